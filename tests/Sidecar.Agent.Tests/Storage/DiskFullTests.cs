using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>A real agent whose data dir is a small tmpfs that fills up, then gets space back.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private const string Registry = "/v4/default/registry";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-diskfull-" + Guid.NewGuid().ToString("N"));
    private bool _mounted;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _dataDir);
        _mounted = code == 0;
        if (!_mounted)
        {
            Directory.Delete(_dataDir);
            Assert.Skip($"mounting a tmpfs is not permitted here (mount exited {code}: {output.Trim()}); run the tests as root to cover the disk-full case");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_mounted)
        {
            await RunAsync("umount", "-l", _dataDir);
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Register_DataDirFull_Answers500011_ReadsServed_WritesResumeWhenSpaceReturns()
    {
        await using var agent = await SidecarProcess.StartAsync(_dataDir);
        var serviceId = await CreateServiceAsync(agent.Client, "svc");
        Assert.Equal(HttpStatusCode.OK, (await RegisterInstanceAsync(agent.Client, serviceId, "before")).Status);

        var junk = Path.Combine(_dataDir, "junk");
        Fill(junk);
        var (status, body) = await RegisterInstanceAsync(agent.Client, serviceId, "while-full");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("500011", body.GetProperty("errorCode").GetString());
        Assert.Equal("Registry service is unavailable", body.GetProperty("errorMessage").GetString());
        Assert.Equal(["before"], await HostsAsync(agent.Client));
        using (var notReady = await agent.Client.GetAsync("/v1/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("store cannot write", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var alive = await agent.Client.GetAsync("/v1/health"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        File.Delete(junk);
        await WaitReadyAsync(agent.Client);
        Assert.Equal(HttpStatusCode.OK, (await RegisterInstanceAsync(agent.Client, serviceId, "after")).Status);
        Assert.Equal(["after", "before"], await HostsAsync(agent.Client));

        // What was refused was never half-written: a restart from the same files shows the same.
        Assert.Equal(0, await agent.TerminateAsync());
        await using var restarted = await SidecarProcess.StartAsync(_dataDir);
        Assert.Equal(["after", "before"], await HostsAsync(restarted.Client));
    }

    [Fact]
    public async Task ReplicatedChanges_DataDirFull_KeptFoldedAndWrittenWhenSpaceReturns_RestartHasThem()
    {
        var (store, _) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        var replica = Start(store);
        await MergeAsync(replica, "before", "h0");
            await replica.ProbeStoreAsync(TestContext.Current.CancellationToken);

        var junk = Path.Combine(_dataDir, "junk");
        Fill(junk);
        var carried = new List<RecordKey>();
        for (var i = 0; i < 20; i++)
        {
            carried.AddRange(await MergeAsync(replica, "full-" + i, "h1"));
        }

        // A later version of a carried key replaces the earlier one (folded by key).
        await MergeAsync(replica, "full-0", "h2");
        await WaitUntilAsync(() => store.CarriedRecords == carried.Count, () => $"{store.CarriedRecords} carried");
        Assert.NotNull(store.WriteError);
        Assert.NotNull(replica.Health().StoreError);
        Assert.Equal(0, LiteDbReplicaStore.BrokenDatabases - _brokenBefore);
        await Assert.ThrowsAsync<ReplicaUnavailableException>(() => replica.ProbeStoreAsync(TestContext.Current.CancellationToken));

        // Memory shows what it merged while the disk is full, and the disk gets it within the retry period once there is space.
        Assert.Equal("h2", HostIn(replica, "full-0"));
        Assert.Equal("h1", HostIn(replica, "full-19"));
        File.Delete(junk);
        await WaitUntilAsync(() => store.WriteError is null && store.CarriedRecords == 0, () => $"{store.CarriedRecords} carried: {store.WriteError}");
        await replica.ProbeStoreAsync(TestContext.Current.CancellationToken);
        Assert.Null(replica.Health().StoreError);

        var state = await RestartAsync(replica, store);
        var byKey = state.Records.ToDictionary(r => r.Key);
        Assert.All(carried, key => Assert.True(byKey.ContainsKey(key), key.ToString()));
        Assert.Equal(42, state.Records.Count(r => r.Key.Source == Source));
        Assert.Equal("h2", ((MicroServiceInstance)state.Records.Single(r => r.Value is MicroServiceInstance { ServiceId: var id } && id == ServiceIdOf("full-0")).Value!).HostName);
    }

    [Fact]
    public async Task ReplicatedChanges_LiteDbWriteFailsOnFullDisk_NoCrashAfterReopen_CarriedRecordsWrittenWhenSpaceReturns()
    {
        var unobserved = new List<string>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.ToString().Contains(_dataDir, StringComparison.Ordinal))
            {
                lock (unobserved)
                {
                    unobserved.Add(e.Exception.ToString());
                }
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var (store, _) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
            // Let LiteDB itself meet the full disk: the path that left a transaction whose finalizer threw
            // "discarded page must be writable" on the finalizer thread and killed the process.
            store.SkipFreeSpaceCheck = true;
            var replica = Start(store);
            await MergeAsync(replica, "before", "h0");
            await replica.ProbeStoreAsync(TestContext.Current.CancellationToken);

            var junk = Path.Combine(_dataDir, "junk");
            Fill(junk);
            var carried = new List<RecordKey>();
            for (var i = 0; i < 20; i++)
            {
                carried.AddRange(await MergeAsync(replica, "full-" + i, "h1"));
            }

            await WaitUntilAsync(() => store.CarriedRecords == carried.Count && LiteDbReplicaStore.BrokenDatabases > _brokenBefore, () => $"{store.CarriedRecords} carried");
            await Assert.ThrowsAsync<ReplicaUnavailableException>(() => replica.ProbeStoreAsync(TestContext.Current.CancellationToken));
            CollectGarbage();

            File.Delete(junk);
            await WaitUntilAsync(() => store.WriteError is null && store.CarriedRecords == 0, () => $"{store.CarriedRecords} carried: {store.WriteError}", seconds: 90);
            await MergeAsync(replica, "after", "h3");
            CollectGarbage();

            var state = await RestartAsync(replica, store);
            CollectGarbage();
            var byKey = state.Records.ToDictionary(r => r.Key);
            Assert.All(carried, key => Assert.True(byKey.ContainsKey(key), key.ToString()));
            Assert.Equal(44, state.Records.Count(r => r.Key.Source == Source));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Empty(unobserved);
    }

    private const string Source = "sc:north";
    private readonly int _brokenBefore = LiteDbReplicaStore.BrokenDatabases;

    private static Replica Start(LiteDbReplicaStore store)
    {
        store.SaveIdentity("node", null);
        store.Start();
        var replica = new Replica("node", TimeProvider.System, store);
        replica.Start();
        return replica;
    }

    private async Task<PersistedState> RestartAsync(Replica replica, LiteDbReplicaStore store)
    {
        await replica.DisposeAsync();
        store.Dispose();
        var (reopened, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        reopened.Dispose();
        return state;
    }

    private static string? HostIn(Replica replica, string name) =>
        replica.Snapshot.Service("default", "default", ServiceIdOf(name))?.Instances.SingleOrDefault()?.Instance.HostName;

    private static string ServiceIdOf(string name) => ServiceIds.ForService("default", "default", "", "app", name, "1.0.0");

    /// <summary>A service and one instance from a remote Service-Center (non-durable: group-committed, nobody waits).</summary>
    private static async Task<RecordKey[]> MergeAsync(Replica replica, string name, string host)
    {
        var service = new ServiceRef("default", "default", ServiceIdOf(name));
        var clock = replica.Clock.Next();
        var serviceKey = RecordKey.ForService(Source, service);
        var instanceKey = RecordKey.ForInstance(Source, service, "i-" + name);
        await replica.MergeAsync(
        [
            new Record(serviceKey, new RecordVersion(clock, Source),
                new MicroService { ServiceId = service.ServiceId, AppId = "app", ServiceName = name, Version = "1.0.0", Level = "BACK", Status = "UP", Description = new string('d', 250) }),
            new Record(instanceKey, new RecordVersion(clock, Source),
                new MicroServiceInstance { InstanceId = instanceKey.Item, ServiceId = service.ServiceId, HostName = host, Status = "UP", Version = "1.0.0", Endpoints = ["rest://10.1.0.1:8080"], Timestamp = "1", ModTimestamp = "1" }),
        ], RecordOrigin.Upstream, TestContext.Current.CancellationToken);
        return [serviceKey, instanceKey];
    }

    /// <summary>Runs pending finalizers now: a LiteDB finalizer that throws would take the test host down here.</summary>
    private static void CollectGarbage()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(50);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> state, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {state()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Writes junk until the file system refuses more.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full. Fill the last bytes too, chunk by chunk.
            for (var size = chunk.Length / 2; size > 0; size /= 2)
            {
                try
                {
                    stream.Write(chunk.AsSpan(0, size));
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var ready = await client.GetAsync("/v1/health/ready");
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "not ready again within 60 s: " + await ready.Content.ReadAsStringAsync());
            await Task.Delay(200);
        }
    }

    private static async Task<string> CreateServiceAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "app", serviceName = name, version = "1.0.0" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> RegisterInstanceAsync(HttpClient client, string serviceId, string host)
    {
        using var response = await client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances",
            new { instance = new { hostName = host, endpoints = new[] { $"rest://{host}:80" } } });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private static async Task<List<string>> HostsAsync(HttpClient client)
    {
        using var response = await client.GetAsync($"{Registry}/instances?appId=app&serviceName=svc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("hostName").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
