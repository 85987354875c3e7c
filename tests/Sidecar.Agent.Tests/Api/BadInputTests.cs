using System.Text;
using Microsoft.Extensions.Time.Testing;
using static Sidecar.Agent.Tests.AgentServer;

namespace Sidecar.Agent.Tests.Api;

/// <summary>A seeded agent shared by the bad-input cases (which must not change it). Time is frozen so no lease expires.</summary>
public sealed class SeededAgent : IAsyncLifetime
{
    public const string ServiceName = "seeded";
    public const string InstanceId = "seeded-instance-1";

    public AgentServer Server { get; private set; } = null!;

    public string ServiceId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Server = await StartAsync(new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        ServiceId = await Server.RegisterServiceAsync(ServiceName, "1.0.0", properties: new Dictionary<string, string> { ["p"] = "1" });
        await Server.RegisterInstanceAsync(ServiceId, $$$"""{"instanceId":"{{{InstanceId}}}","hostName":"h1","endpoints":["rest://10.0.0.1:80"],"properties":{"k":"v"}}""");
        using var tags = await Server.SendAsync(HttpMethod.Post, $"{V4}/microservices/{ServiceId}/tags", """{"tags":{"a":"b"}}""");
        using var schema = await Server.SendAsync(HttpMethod.Put, $"{V4}/microservices/{ServiceId}/schemas/s1", """{"schema":"x","summary":"y"}""");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Malformed input of every kind at every write endpoint: a 4xx in Service-Center's format, never a 5xx, nothing changed.</summary>
public sealed class BadInputTests(SeededAgent seeded) : IClassFixture<SeededAgent>
{
    private const string Svc = V4 + "/microservices/{sid}";
    private const string Inst = Svc + "/instances/{iid}";

    private AgentServer Server => seeded.Server;

    /// <summary>(method, path, body, expected error code or 0 for any 4xx). Tokens: {sid}, {iid}, {big2m}, {big6k}, {big4k}, {deep}.</summary>
    public static TheoryData<string, string, string?, int> Cases => new()
    {
        // S2 register service
        { "POST", V4 + "/microservices", null, 400001 },
        { "POST", V4 + "/microservices", "", 400001 },
        { "POST", V4 + "/microservices", "not json", 400001 },
        { "POST", V4 + "/microservices", """{"service":""", 400001 },
        { "POST", V4 + "/microservices", "[]", 400001 },
        { "POST", V4 + "/microservices", "null", 400001 },
        { "POST", V4 + "/microservices", "{deep}", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x1"}} trailing""", 400001 },
        { "POST", V4 + "/microservices", """{"service":"x"}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":123}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x2","properties":{"a":1}}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x3","schemas":"s"}}""", 400001 },
        { "POST", V4 + "/microservices", "{}", 400001 },
        { "POST", V4 + "/microservices", """{"service":null}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":""}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"a b"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"a@b"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"-ab"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x4","appId":"a:b"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x5","version":"1.a"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x6","version":"1.32768.0"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x7","version":"1.1.0.0.0"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x8","environment":"staging"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x9","level":"TOP"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x10","status":"SLEEPING"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x11","serviceId":"a b"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x12","alias":"a b"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x13","registerBy":"ME"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x14","schemas":["bad id!"]}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x15","schemas":[null]}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x16","framework":{"name":"a b"}}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x17","paths":[{"path":"a b"}]}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x18","description":"{big2m}"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x19"},"tags":{"1bad":"v"}}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x20"},"instances":[{"hostName":""}]}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x21"},"instances":[null]}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceName":"x22"},"instances":"x"}""", 400001 },
        { "POST", V4 + "/microservices", """{"service":{"serviceId":"{sid}","serviceName":"x23"}}""", 400010 },
        { "POST", "/v4/default/registry/microservices", """{"service":{"serviceId":"other","serviceName":"seeded","appId":"app","version":"1.0.0"}}""", 400010 },

        // S5 service properties
        { "PUT", Svc + "/properties", null, 400001 },
        { "PUT", Svc + "/properties", "not json", 400001 },
        { "PUT", Svc + "/properties", """{"properties":[]}""", 400001 },
        { "PUT", Svc + "/properties", """{"properties":{"a":1}}""", 400001 },
        { "PUT", Svc + "/properties", """{"properties":{"a":"{big4k}"}}""", 400001 },
        { "PUT", V4 + "/microservices/a%20b/properties", """{"properties":{"a":"1"}}""", 400001 },
        { "PUT", V4 + "/microservices/nope/properties", """{"properties":{"a":"1"}}""", 400012 },

        // S6/S7 delete service(s)
        { "DELETE", Svc + "?force=maybe", null, 400001 },
        { "DELETE", Svc + "?force=yes", null, 400001 },
        { "DELETE", Svc, null, 400013 },
        { "DELETE", V4 + "/microservices/nope", null, 400012 },
        { "DELETE", V4 + "/microservices/a%20b", null, 400001 },
        { "DELETE", V4 + "/microservices", null, 400001 },
        { "DELETE", V4 + "/microservices", "not json", 400001 },
        { "DELETE", V4 + "/microservices", "{}", 400001 },
        { "DELETE", V4 + "/microservices", """{"serviceIds":[]}""", 400001 },
        { "DELETE", V4 + "/microservices", """{"serviceIds":"x"}""", 400001 },
        { "DELETE", V4 + "/microservices", """{"serviceIds":["a b"]}""", 400001 },
        { "DELETE", V4 + "/microservices", """{"serviceIds":[null]}""", 400001 },
        { "DELETE", V4 + "/microservices", """{"serviceIds":["{sid}"],"force":"yes"}""", 400001 },

        // S8 tags
        { "POST", Svc + "/tags", null, 400001 },
        { "POST", Svc + "/tags", "not json", 400001 },
        { "POST", Svc + "/tags", """{"tags":"x"}""", 400001 },
        { "POST", Svc + "/tags", """{"tags":{"1bad":"v"}}""", 400001 },
        { "POST", Svc + "/tags", """{"tags":{"k":"bad value"}}""", 400001 },
        { "POST", V4 + "/microservices/nope/tags", """{"tags":{"k":"v"}}""", 400012 },
        { "PUT", Svc + "/tags/1bad?value=v", null, 400001 },
        { "PUT", Svc + "/tags/a?value=1bad", null, 400001 },
        { "PUT", Svc + "/tags/a", null, 400001 },
        { "PUT", Svc + "/tags/zz?value=v", null, 400018 },
        { "DELETE", Svc + "/tags/zz", null, 400018 },
        { "DELETE", Svc + "/tags/a,zz", null, 400018 },
        { "DELETE", Svc + "/tags/,", null, 400001 },

        // S9 schemas
        { "PUT", Svc + "/schemas/bad!id", """{"schema":"x"}""", 400001 },
        { "PUT", Svc + "/schemas/s2", null, 400001 },
        { "PUT", Svc + "/schemas/s2", "{}", 400001 },
        { "PUT", Svc + "/schemas/s2", """{"schema":1}""", 400001 },
        { "PUT", Svc + "/schemas/s2", "not json", 400001 },
        { "PUT", V4 + "/microservices/nope/schemas/s2", """{"schema":"x"}""", 400012 },
        { "POST", Svc + "/schemas", "{}", 400001 },
        { "POST", Svc + "/schemas", """{"schemas":[]}""", 400001 },
        { "POST", Svc + "/schemas", """{"schemas":[null]}""", 400001 },
        { "POST", Svc + "/schemas", """{"schemas":[{"schemaId":"bad id","schema":"x"}]}""", 400001 },
        { "POST", Svc + "/schemas", """{"schemas":[{"schemaId":"ok1"}]}""", 400001 },
        { "POST", Svc + "/schemas", """{"schemas":"x"}""", 400001 },

        // I1 register instance
        { "POST", Svc + "/instances", null, 400001 },
        { "POST", Svc + "/instances", "not json", 400001 },
        { "POST", Svc + "/instances", "[]", 400001 },
        { "POST", Svc + "/instances", "{}", 400001 },
        { "POST", Svc + "/instances", """{"instancse":{"hostName":"h"}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":null}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":"h"}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":""}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"  "}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":7}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","status":"SLEEPING"}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","endpoints":[""]}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","endpoints":"rest://x:1"}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","instanceId":"a@b"}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","instanceId":"a b"}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"","interval":30,"times":3}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"poll","interval":30,"times":3}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"push","interval":0,"times":3}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"push","interval":30,"times":-1}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"push","interval":3000000000,"times":3}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"push","interval":99999999999999999999999,"times":3}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"push","interval":"30","times":3}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"push","interval":30,"times":3,"port":70000}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","healthCheck":{"mode":"pull","url":"a b"}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","dataCenterInfo":{"region":"r","availableZone":"z"}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","dataCenterInfo":{"name":"n","region":"r r","availableZone":"z"}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","properties":{"a":"{big6k}"}}}""", 400001 },
        { "POST", Svc + "/instances", """{"instance":{"hostName":"h","properties":{"a":1}}}""", 400001 },
        { "POST", V4 + "/microservices/a%20b/instances", """{"instance":{"hostName":"h"}}""", 400001 },
        { "POST", V4 + "/microservices/nope/instances", """{"instance":{"hostName":"h"}}""", 400012 },

        // I6 unregister, I7 heartbeat
        { "DELETE", Svc + "/instances/a@b", null, 400001 },
        { "DELETE", Svc + "/instances/nope", null, 400017 },
        { "DELETE", V4 + "/microservices/nope/instances/{iid}", null, 400017 },
        { "PUT", Svc + "/instances/a@b/heartbeat", null, 400001 },
        { "PUT", Svc + "/instances/a%20b/heartbeat", null, 400001 },
        { "PUT", Svc + "/instances/nope/heartbeat", null, 400017 },
        { "PUT", V4 + "/microservices/a%20b/instances/{iid}/heartbeat", null, 400001 },

        // I8 batch heartbeat
        { "PUT", V4 + "/heartbeats", null, 400001 },
        { "PUT", V4 + "/heartbeats", "not json", 400001 },
        { "PUT", V4 + "/heartbeats", "{}", 400001 },
        { "PUT", V4 + "/heartbeats", """{"instances":[]}""", 400001 },
        { "PUT", V4 + "/heartbeats", """{"instances":"x"}""", 400001 },
        { "PUT", V4 + "/heartbeats", """{"instances":[null]}""", 400001 },
        { "PUT", V4 + "/heartbeats", """{"instances":[{"serviceId":"","instanceId":"x"}]}""", 400001 },
        { "PUT", V4 + "/heartbeats", """{"instances":[{"serviceId":"{sid}","instanceId":"a@b"}]}""", 400001 },

        // I9 status
        { "PUT", Inst + "/status", null, 400001 },
        { "PUT", Inst + "/status?value=", null, 400001 },
        { "PUT", Inst + "/status?value=SLEEPING", null, 400001 },
        { "PUT", Inst + "/status?value=down", null, 400001 },
        { "PUT", Svc + "/instances/a@b/status?value=DOWN", null, 400001 },
        { "PUT", Svc + "/instances/nope/status?value=DOWN", null, 400017 },

        // I10 instance properties
        { "PUT", Inst + "/properties", null, 400001 },
        { "PUT", Inst + "/properties", "not json", 400001 },
        { "PUT", Inst + "/properties", """{"properties":{"a":1}}""", 400001 },
        { "PUT", Inst + "/properties", """{"properties":"x"}""", 400001 },
        { "PUT", Inst + "/properties", """{"properties":{"a":"{big4k}"}}""", 400001 },
        { "PUT", Svc + "/instances/a@b/properties", """{"properties":{"a":"1"}}""", 400001 },
        { "PUT", Svc + "/instances/nope/properties", """{"properties":{"a":"1"}}""", 400017 },

        // I11 bulk status
        { "PUT", V4 + "/instances/status", null, 400001 },
        { "PUT", V4 + "/instances/status", "{}", 400001 },
        { "PUT", V4 + "/instances/status", """{"matches":{"properties":{}},"status":"DOWN"}""", 400001 },
        { "PUT", V4 + "/instances/status", """{"matches":null,"status":"DOWN"}""", 400001 },
        { "PUT", V4 + "/instances/status", """{"matches":{"properties":{"k":"v"}},"status":"SLEEPING"}""", 400001 },
        { "PUT", V4 + "/instances/status", """{"matches":{"properties":{"k":"v"}}}""", 400001 },

        // I5 batch find
        { "POST", V4 + "/instances/action", """{"services":[{"service":{"appId":"app","serviceName":"seeded"}}]}""", 400001 },
        { "POST", V4 + "/instances/action?type=delete", """{"services":[{"service":{"appId":"app","serviceName":"seeded"}}]}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", null, 400001 },
        { "POST", V4 + "/instances/action?type=query", "not json", 400001 },
        { "POST", V4 + "/instances/action?type=query", "{}", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"services":"x"}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"services":[null]}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"services":[{}]}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"services":[{"service":{"appId":"app","serviceName":"a b"}}]}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"services":[{"service":{"appId":"app","serviceName":"seeded","version":"x.y"}}]}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"instances":[null]}""", 400001 },
        { "POST", V4 + "/instances/action?type=query", """{"instances":[{"instance":{"serviceId":"{sid}","instanceId":"a@b"}}]}""", 400001 },

        // Reads with bad query values (they may record dependencies, so they belong here too)
        { "GET", V4 + "/instances?appId=app", null, 400001 },
        { "GET", V4 + "/instances?appId=app&serviceName=seeded&env=staging", null, 400001 },
        { "GET", V4 + "/instances?appId=app&serviceName=seeded&version=x.y", null, 400001 },
        { "GET", V4 + "/instances?appId=app&serviceName=seeded&tags=1bad", null, 400001 },
        { "GET", V4 + "/existence?type=microservice&appId=app&serviceName=seeded&version=latest", null, 400001 },
        { "GET", Svc + "/instances/a@b", null, 400001 },
        { "GET", Svc + "/watcher", null, 400001 },
    };

    private string Expand(string text) => text
        .Replace("{sid}", seeded.ServiceId, StringComparison.Ordinal)
        .Replace("{iid}", SeededAgent.InstanceId, StringComparison.Ordinal)
        .Replace("{big2m}", new string('x', 2 * 1024 * 1024 + 1), StringComparison.Ordinal)
        .Replace("{big6k}", new string('x', 6 * 1024), StringComparison.Ordinal)
        .Replace("{big4k}", new string('x', 4 * 1024), StringComparison.Ordinal)
        .Replace("{deep}", new string('[', 5000) + new string(']', 5000), StringComparison.Ordinal);

    /// <summary>Everything a client could observe of the registry, plus the replica's change counter.</summary>
    private async Task<string> StateAsync()
    {
        var parts = new StringBuilder();
        parts.AppendLine(Server.Replica.Snapshot.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var path in new[]
        {
            V4 + "/microservices",
            V4 + "/instances?appId=app&serviceName=" + SeededAgent.ServiceName,
            $"{V4}/microservices/{seeded.ServiceId}/instances",
            $"{V4}/microservices/{seeded.ServiceId}/tags",
            $"{V4}/microservices/{seeded.ServiceId}/schemas?withSchema=1",
            "/v4/default/govern/microservices?options=instances",
        })
        {
            parts.AppendLine(await Server.GetTextAsync(path));
        }

        return parts.ToString();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_AnyWriteEndpoint_Returns4xxInScFormatAndChangesNothing(string method, string path, string? body, int expectedCode)
    {
        var before = await StateAsync();

        using var response = await Server.SendAsync(new HttpMethod(method), Expand(path), body is null ? null : Expand(body));

        var code = await ScAssert.ClientErrorAsync(response);
        if (expectedCode != 0)
        {
            Assert.Equal(expectedCode, code);
        }

        Assert.Equal(before, await StateAsync());
    }
}
