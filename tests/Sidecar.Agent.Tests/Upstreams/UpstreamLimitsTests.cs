using Microsoft.Extensions.Logging.Testing;
using Polly;
using Sidecar.Agent.Sources;
using Sidecar.Agent.Upstreams;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>Hostile or broken remotes (a fake Service-Center on loopback) against one syncer: the pull fails, nothing changes.</summary>
public sealed class UpstreamLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(RemoteAnswer.EndlessBody, "answer larger than 16777216 bytes")]
    [InlineData(RemoteAnswer.HugeList, "more than 50000 services")]
    [InlineData(RemoteAnswer.OverLongServiceId, "field 'MicroService.ServiceId' invalid value")]
    [InlineData(RemoteAnswer.OverLongInstanceId, "field 'MicroServiceInstance.InstanceId' invalid value")]
    [InlineData(RemoteAnswer.WrongTypes, "not a valid Service-Center answer")]
    [InlineData(RemoteAnswer.Nulls, "services[1] is a Null, not an object")]
    [InlineData(RemoteAnswer.Html, "content type text/html")]
    [InlineData(RemoteAnswer.InvalidJson, "not a valid Service-Center answer")]
    [InlineData(RemoteAnswer.TooManyInstances, "more than 150000 instances in this pull")]
    [InlineData(RemoteAnswer.TooManySchemas, "field 'MicroService.Schemas' invalid value")]
    public async Task Pull_HostileAnswer_FailsStaleWithReasonAndChangesNothing(RemoteAnswer answer, string reason)
    {
        await using var remote = await FakeServiceCenter.StartAsync("svc-remote-1", "Remote");
        await using var kit = UpstreamTestKit.Create("bad", remote.Url);
        Assert.NotNull(await kit.Syncer.PullAsync(Ct));
        var before = Records(kit.Replica);
        var index = kit.Replica.Snapshot.Index;
        Assert.Equal(remote.InstanceId, Assert.Single(kit.InstancesOf("sc:bad")).Instance.InstanceId);

        remote.Mode = answer;
        var result = await kit.Syncer.PullAsync(Ct);

        Assert.Null(result);
        var status = kit.Status("sc:bad");
        Assert.Equal(SourceState.Stale, status.State);
        Assert.Contains(reason, status.LastError, StringComparison.Ordinal);
        Assert.True(status.LastError!.Length < 1_000, "the reason stays readable: " + status.LastError.Length);
        Assert.Equal(before, Records(kit.Replica));
        Assert.Equal(index, kit.Replica.Snapshot.Index);

        remote.Mode = RemoteAnswer.Valid;
        Assert.NotNull(await kit.Syncer.PullAsync(Ct));
        Assert.Equal(SourceState.Fresh, kit.Status("sc:bad").State);
    }

    [Fact]
    public void Response_LargeBody_TextFormsStayShort()
    {
        // Polly's telemetry logs every result through ToString: a 12 MB list must not become a 12 MB log line.
        var body = System.Text.Encoding.UTF8.GetBytes("{\"errorCode\":\"400010\",\"detail\":\"" + new string('x', 1 << 20) + "\"}");
        var answer = new UpstreamResponse(System.Net.HttpStatusCode.BadRequest, body, "7", "application/json");

        Assert.True(answer.ToString().Length < 200, answer.ToString());
        Assert.Contains($"{body.Length} bytes", answer.ToString(), StringComparison.Ordinal);
        Assert.True(answer.Excerpt().Length < 400, answer.Excerpt().Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("{\"errorCode\":\"400010\"", answer.Excerpt(), StringComparison.Ordinal);
        Assert.True(answer.IsError(400010));
        Assert.False(answer.IsError(400011));
    }

    [Fact]
    public async Task Pull_EndlessBody_FailsAtTheConfiguredLimitAndHangsUp()
    {
        await using var remote = await FakeServiceCenter.StartAsync("svc-remote-1", "Remote");
        remote.Mode = RemoteAnswer.EndlessBody;
        var builder = new ResiliencePipelineBuilder();
        SidecarPipelines.ConfigureUpstream(builder, TimeSpan.FromSeconds(30));
        using var client = new UpstreamClient(new UpstreamEndpoint("bad", [remote.Url]), builder.Build(), maxResponseBytes: 1 << 20);

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.SendAsync(HttpMethod.Get, "/v4/default/registry/microservices", null, Ct));

        Assert.Contains("answer larger than 1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(error.Transient);
        // The connection is closed rather than drained: the remote's endless answer ends.
        await AgentServer.EventuallyAsync(() => Task.FromResult(remote.StreamEnded), "the remote notices the agent hung up");
    }

    [Fact]
    public async Task Pull_SameServiceIdForDifferentServices_KeptApartAndLoggedEitherOrder()
    {
        await using var alpha = await FakeServiceCenter.StartAsync("shared-id", "Alpha");
        await using var beta = await FakeServiceCenter.StartAsync("shared-id", "Beta");
        foreach (var betaFirst in new[] { true, false })
        {
            await using var replica = new Replica("c1-node", TimeProvider.System);
            replica.Start();
            using var tracker = new SourceTracker(replica, TimeProvider.System);
            var logger = new FakeLogger();
            var (a, clientA) = Syncer(alpha, "a", replica, tracker, logger);
            var (b, clientB) = Syncer(beta, "b", replica, tracker, logger);
            using (clientA)
            using (clientB)
            {
                foreach (var syncer in betaFirst ? new[] { b, a, b, a } : [a, b, a, b])
                {
                    Assert.NotNull(await syncer.PullAsync(Ct));
                }
            }

            // sc:a is preferred (remote clusters by name): Alpha keeps the id with only its own instance; Beta is not served.
            var view = replica.Snapshot.Services[new ServiceRef("default", "default", "shared-id")];
            Assert.Equal("Alpha", view.Service.ServiceName);
            Assert.Equal("sc:a", Assert.Single(view.Instances).Source);
            Assert.Equal(["sc:a"], view.Sources);
            Assert.Null(replica.Snapshot.Find(new NameKey("default", "default", "", "demo", "Beta")));
            Assert.DoesNotContain(replica.Snapshot.Services.Values.SelectMany(s => s.Instances), i => i.Source == "sc:b");
            var conflicts = logger.Collector.GetSnapshot().Where(r => r.Id.Id == 6006).Select(r => r.Message).ToList();
            Assert.Contains(conflicts, m => m.Contains("shared-id is /demo/Beta/1.0.0 in sc:b but /demo/Alpha/1.0.0 in sc:a", StringComparison.Ordinal));
            Assert.All(conflicts, m => Assert.Contains("sc:a keeps it, sc:b's service and instances are not served", m, StringComparison.Ordinal));
            Assert.All(conflicts, m => Assert.Contains("give one of them another serviceId", m, StringComparison.Ordinal));
        }
    }

    private static (UpstreamSyncer Syncer, UpstreamClient Client) Syncer(FakeServiceCenter remote, string name, Replica replica, SourceTracker tracker, FakeLogger logger)
    {
        var builder = new ResiliencePipelineBuilder();
        SidecarPipelines.ConfigureUpstream(builder, TimeSpan.FromSeconds(10));
        var client = new UpstreamClient(new UpstreamEndpoint(name, [remote.Url]), builder.Build());
        return (new UpstreamSyncer(client, replica, tracker, new AlwaysOwner(), TimeProvider.System, TimeSpan.FromSeconds(1), logger), client);
    }

    /// <summary>Every record of the replica, values encoded: equal lists mean nothing changed.</summary>
    private static List<string> Records(Replica replica) =>
        [.. replica.Snapshot.Services.Values
            .SelectMany(s => s.Instances.Select(i => $"{s.Ref.ServiceId}/{i.Source}/{System.Text.Encoding.UTF8.GetString(i.Json)}").Append($"{s.Ref.ServiceId}/{s.Source}/{s.Service}"))
            .Order(StringComparer.Ordinal)];
}
