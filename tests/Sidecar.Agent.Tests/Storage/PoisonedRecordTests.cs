using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiteDB;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;
using Record = Sidecar.Replication.Record;

namespace Sidecar.Agent.Tests.Storage;

/// <summary>Records written into the LiteDB file by hand that the gate must refuse at restore, in a real agent process.</summary>
public sealed class PoisonedRecordTests : IDisposable
{
    private const string Registry = "/v4/default/registry";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-poison-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Start_PoisonedRecordsInTheFile_StartsSkipsThemAndServesTheGoodOnes()
    {
        string serviceId;
        string instanceId;
        await using (var agent = await SidecarProcess.StartAsync(_dataDir, null, "--node-name", "pod-p"))
        {
            (serviceId, instanceId) = await RegisterAsync(agent.Client);
            Assert.Equal(0, await agent.TerminateAsync());
        }

        var service = new ServiceRef("default", "default", serviceId);
        var clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;
        using (var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(_dataDir, LiteDbReplicaStore.FileName), Connection = ConnectionType.Direct }))
        {
            var records = db.GetCollection("records");
            // Tags "{}" (no tags member): before the gate this threw inside Publish at every start.
            var tags = RecordDocuments.ToDocument(new Record(RecordKey.ForTags("agent:evil", service), new RecordVersion(clock, "evil"), new TagsValue(new Dictionary<string, string>())));
            tags["v"] = new BsonValue("{}"u8.ToArray());
            var noHost = RecordDocuments.ToDocument(new Record(RecordKey.ForInstance("agent:evil", service, "no-host"), new RecordVersion(clock, "evil"),
                new MicroServiceInstance { InstanceId = "no-host", ServiceId = serviceId, Endpoints = ["rest://10.6.6.6:1"] }));
            var future = RecordDocuments.ToDocument(new Record(RecordKey.ForInstance("agent:evil", service, "future"), new RecordVersion(long.MaxValue, "evil"),
                new MicroServiceInstance { InstanceId = "future", ServiceId = serviceId, HostName = "f", Endpoints = ["rest://10.6.6.7:1"] }));
            records.Upsert(tags);
            records.Upsert(noHost);
            records.Upsert(future);
        }

        await using var restarted = await SidecarProcess.StartAsync(_dataDir);

        using var find = await restarted.Client.GetAsync($"{Registry}/instances?appId=app&serviceName=svc");
        Assert.Equal(HttpStatusCode.OK, find.StatusCode);
        var ids = (await find.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()).ToList();
        Assert.Equal([instanceId], ids);
        var tagsAnswer = await restarted.Client.GetFromJsonAsync<JsonElement>($"{Registry}/microservices/{serviceId}/tags");
        Assert.False(tagsAnswer.TryGetProperty("tags", out var shown) && shown.EnumerateObject().Any());
        // The writer loop is alive: a write goes through and shows.
        using var add = await restarted.Client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/tags", new { tags = new { env = "prod" } });
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.Contains("Refused a record from restore (source agent:evil", restarted.Output, StringComparison.Ordinal);
    }

    private static async Task<(string ServiceId, string InstanceId)> RegisterAsync(HttpClient client)
    {
        using var service = await client.PostAsJsonAsync($"{Registry}/microservices", new { service = new { appId = "app", serviceName = "svc", version = "1.0.0" } });
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serviceId").GetString()!;
        using var instance = await client.PostAsJsonAsync($"{Registry}/microservices/{serviceId}/instances", new { instance = new { hostName = "h", endpoints = new[] { "rest://10.0.0.1:80" } } });
        return (serviceId, (await instance.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!);
    }
}
