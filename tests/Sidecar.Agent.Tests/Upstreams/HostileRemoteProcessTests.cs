using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>
/// A real agent process pulling two fake remotes on loopback, one well-behaved and one that turns hostile (endless body,
/// 300,000 services, over-long ids, wrong types and nulls, HTML, invalid JSON). Waits are generous: the machine is shared.
/// </summary>
public sealed class HostileRemoteProcessTests : IDisposable
{
    private const string V4 = "/v4/default/registry";
    private readonly List<string> _dirs = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The hostile answers, in turn, and the reason <c>/v1/sources</c> must show for each.</summary>
    private static readonly (RemoteAnswer Answer, string Reason)[] s_hostile =
    [
        (RemoteAnswer.EndlessBody, "answer larger than 16777216 bytes"),
        (RemoteAnswer.OverLongServiceId, "field 'MicroService.ServiceId' invalid value"),
        (RemoteAnswer.OverLongInstanceId, "field 'MicroServiceInstance.InstanceId' invalid value"),
        (RemoteAnswer.WrongTypes, "not a valid Service-Center answer"),
        (RemoteAnswer.Nulls, "services[1] is a Null, not an object"),
        (RemoteAnswer.Html, "content type text/html"),
        (RemoteAnswer.InvalidJson, "not a valid Service-Center answer"),
        (RemoteAnswer.HugeList, "more than 50000 services"),
    ];

    [Fact]
    public async Task Agent_HostileRemote_ServesLocalAndOtherSourcesSourceStaleMemoryBoundedRestartsClean()
    {
        await using var good = await FakeServiceCenter.StartAsync("svc-good-1", "Good");
        await using var bad = await FakeServiceCenter.StartAsync("svc-bad-1", "Bad");
        var dir = Dir();
        string[] flags = ["--clusters", $"good={good.Url},bad={bad.Url}", "--sync-interval", "200ms"];
        var agent = await SidecarProcess.StartAsync(dir, null, flags);
        try
        {
            var local = await RegisterAsync(agent.Client);
            await WaitAsync(async () => await CountAsync(agent.Client, "Good") == 1 && await CountAsync(agent.Client, "Bad") == 1, "both remotes pulled", agent);
            // Idle: the agent serving and pulling both remotes every 200 ms, settled.
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            var idle = RssKiB(agent.ProcessId);
            long peak = idle;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), RssKiB(agent.ProcessId)));
                    await Task.Delay(50, CancellationToken.None);
                }
            }, CancellationToken.None);

            var peaks = new StringBuilder();
            foreach (var (answer, reason) in s_hostile)
            {
                Interlocked.Exchange(ref peak, RssKiB(agent.ProcessId));
                bad.Mode = answer;
                await WaitAsync(async () => (await SourceAsync(agent.Client, "sc:bad")) is var s
                    && s.GetProperty("state").GetString() == "stale" && s.GetProperty("lastError").GetString()?.Contains(reason, StringComparison.Ordinal) == true,
                    $"sc:bad stale with '{reason}' ({answer})", agent);
                // Several more pulls in that mode, while the agent keeps serving everything else.
                await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
                Assert.False(agent.HasExited, agent.Output);
                Assert.Equal(local, await InstanceIdsAsync(agent.Client, "Local"));
                Assert.Equal(1, await CountAsync(agent.Client, "Good"));
                Assert.Equal("fresh", (await SourceAsync(agent.Client, "sc:good")).GetProperty("state").GetString());
                // The failed pulls changed nothing: the last good copy of sc:bad is still served (marked stale).
                Assert.Equal([bad.InstanceId], await InstanceIdsAsync(agent.Client, "Bad"));
                peaks.Append(CultureInfo.InvariantCulture, $"{answer} {Interlocked.Read(ref peak)} KiB, ");
                Assert.True(Interlocked.Read(ref peak) < 2 * idle, $"RSS peaked at {Interlocked.Read(ref peak)} KiB, idle was {idle} KiB; peak per answer: {peaks}");
            }

            await sampling.CancelAsync();
            await sampler;
            TestContext.Current.TestOutputHelper?.WriteLine($"idle {idle} KiB; peak per answer: {peaks}");

            // A clean stop (SIGTERM) while sc:bad still answers the huge list every 200 ms (a pull may be in flight),
            // then a restart from the data dir.
            var exit = await agent.TerminateAsync();
            Assert.True(exit == 0, $"SIGTERM exited {exit}:\n{agent.Output}");
            await agent.DisposeAsync();
            agent = await SidecarProcess.StartAsync(dir, null, flags);
            Assert.Equal(local, await InstanceIdsAsync(agent.Client, "Local"));
            Assert.Equal([bad.InstanceId], await InstanceIdsAsync(agent.Client, "Bad"));
            await WaitAsync(async () => await CountAsync(agent.Client, "Good") == 1 && (await SourceAsync(agent.Client, "sc:good")).GetProperty("state").GetString() == "fresh", "sc:good fresh after the restart", agent);
            await WaitAsync(async () => (await SourceAsync(agent.Client, "sc:bad")).GetProperty("lastError").GetString()?.Contains("more than 50000 services", StringComparison.Ordinal) == true,
                "sc:bad stale with the reason after the restart", agent);

            bad.Mode = RemoteAnswer.Valid;
            await WaitAsync(async () => (await SourceAsync(agent.Client, "sc:bad")).GetProperty("state").GetString() == "fresh", "sc:bad fresh once it answers well", agent);
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>VmRSS of a process, in KiB.</summary>
    private static long RssKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string because, SidecarProcess agent)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline || agent.HasExited)
            {
                Assert.Fail($"timed out waiting until {because}; agent exited: {agent.HasExited}\n{agent.Output}");
            }

            await Task.Delay(50, Ct);
        }
    }

    private string Dir()
    {
        var dir = Directory.CreateTempSubdirectory("sidecar-hostile-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    /// <summary>Registers service Local with one instance; returns its instance ids.</summary>
    private static async Task<List<string>> RegisterAsync(HttpClient client)
    {
        var service = await PostJsonAsync(client, $"{V4}/microservices", """{"service":{"appId":"demo","serviceName":"Local","version":"1.0.0"}}""");
        var serviceId = service.GetProperty("serviceId").GetString()!;
        var instance = await PostJsonAsync(client, $"{V4}/microservices/{serviceId}/instances",
            """{"instance":{"hostName":"local-1","endpoints":["rest://127.0.0.1:8080"],"healthCheck":{"mode":"push","interval":600,"times":3}}}""");
        return [instance.GetProperty("instanceId").GetString()!];
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, string body)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        return await AgentServer.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private static async Task<int> CountAsync(HttpClient client, string name) => (await InstanceIdsAsync(client, name)).Count;

    private static async Task<List<string>> InstanceIdsAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync($"{V4}/instances?appId=demo&serviceName={name}", Ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [];
        }

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return [.. AgentServer.Instances(json).Select(i => i.GetProperty("instanceId").GetString()!)];
    }

    private static async Task<JsonElement> SourceAsync(HttpClient client, string source)
    {
        var text = await client.GetStringAsync("/v1/sources", Ct);
        return JsonDocument.Parse(text).RootElement.GetProperty("sources").EnumerateArray()
            .Single(s => s.GetProperty("source").GetString() == source).Clone();
    }
}
