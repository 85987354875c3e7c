using System.Diagnostics;
using Sidecar.Client.Diagnostics;

namespace Sidecar.Client.Tests.Discovery;

/// <summary>Resolution and change notification against a real agent process.</summary>
public sealed class SidecarServiceEndpointProviderTests(AgentFixture fixture, ITestOutputHelper output) : IClassFixture<AgentFixture>
{
    private static readonly TimeSpan s_generous = TimeSpan.FromSeconds(15);
    private readonly AgentProcess _agent = fixture.Agent;

    [Fact]
    public async Task GetEndpoints_MixedCaseServiceThroughLowerCasedUri_ResolvesUpInstancesBySchemeAndEndpointName()
    {
        var name = AgentFixture.UniqueName();
        var serviceId = await _agent.RegisterServiceAsync(name);
        await _agent.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:1001");
        await _agent.SetStatusAsync(serviceId, await _agent.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:1002"), "DOWN");
        await _agent.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:1003?sslEnabled=true");
        await _agent.RegisterInstanceAsync(serviceId, "highway://127.0.0.1:1004");
        await using var client = new ClientHarness(_agent.Address);

        // System.Uri lower-cases the host: the provider is asked for "serverxxxx" and finds "ServerXXXX".
        Assert.Equal(["http://127.0.0.1:1001"], await client.EndpointsAsync($"http://{name}"));
        Assert.Equal(["https://127.0.0.1:1003"], await client.EndpointsAsync($"https+http://{name}"));
        Assert.Equal(["http://127.0.0.1:1004"], await client.EndpointsAsync($"http://_highway.{name}"));
        Assert.Equal(["http://127.0.0.1:1001", "https://127.0.0.1:1003"], await client.EndpointsAsync(name));
    }

    [Fact]
    public async Task GetEndpoints_NamesDifferingOnlyInCase_ExactNameFirst()
    {
        var name = AgentFixture.UniqueName("Case");
        await _agent.RegisterInstanceAsync(await _agent.RegisterServiceAsync(name), "rest://127.0.0.1:2001");
        await _agent.RegisterInstanceAsync(await _agent.RegisterServiceAsync(name.ToLowerInvariant()), "rest://127.0.0.1:2002");
        await using var client = new ClientHarness(_agent.Address);

        Assert.Equal(["http://127.0.0.1:2002"], await client.EndpointsAsync($"http://{name}"));
    }

    [Fact]
    public async Task GetEndpoints_UnknownService_ResolvesNothingAndFollowsItsRegistration()
    {
        var name = AgentFixture.UniqueName();
        await using var client = new ClientHarness(_agent.Address);
        Assert.Empty(await client.EndpointsAsync($"http://{name}"));

        await _agent.RegisterInstanceAsync(await _agent.RegisterServiceAsync(name), "rest://127.0.0.1:3001");

        Assert.Equal(["http://127.0.0.1:3001"], await client.WaitForEndpointsAsync($"http://{name}", ["http://127.0.0.1:3001"], s_generous));
    }

    [Fact]
    public async Task Watch_InstanceAddedDownRemoved_EachSeenThroughBlockingQueriesNotPolls()
    {
        var name = AgentFixture.UniqueName();
        var uri = $"http://{name}";
        var serviceId = await _agent.RegisterServiceAsync(name);
        var a = await _agent.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:4001");
        await using var client = new ClientHarness(_agent.Address);
        Assert.Equal(["http://127.0.0.1:4001"], await client.EndpointsAsync(uri));
        var latencies = new List<TimeSpan>();

        async Task ChangeAsync(Func<Task> change, string[] expected)
        {
            var before = await client.Resolver.GetEndpointsAsync(uri, TestContext.Current.CancellationToken);
            long fired = 0;
            using var registration = before.ChangeToken.RegisterChangeCallback(_ => Interlocked.CompareExchange(ref fired, Stopwatch.GetTimestamp(), 0), null);
            Assert.False(before.ChangeToken.HasChanged, "the change token fired before the change");
            var started = Stopwatch.GetTimestamp();
            await change();
            Assert.Equal(expected, await client.WaitForEndpointsAsync(uri, expected, s_generous));
            var firedAt = Interlocked.Read(ref fired);
            Assert.True(firedAt >= started, "the library's change token did not fire after the change");
            latencies.Add(Stopwatch.GetElapsedTime(started, firedAt));
        }

        string? b = null;
        await ChangeAsync(async () => b = await _agent.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:4002"), ["http://127.0.0.1:4001", "http://127.0.0.1:4002"]);
        await ChangeAsync(() => _agent.SetStatusAsync(serviceId, a, "DOWN"), ["http://127.0.0.1:4002"]);
        await ChangeAsync(() => _agent.UnregisterInstanceAsync(serviceId, b!), []);

        output.WriteLine($"change -> token fired: {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:F0} ms"))}");
        var requests = client.Handler.Requests.ToArray();
        output.WriteLine($"{requests.Length} requests to the agent: {string.Join(" | ", requests.Select(r => r.Query))}");
        // One plain lookup, then only blocking queries: one per answered change (a change may publish twice), plus the open one.
        Assert.DoesNotContain("index=", requests[0].Query, StringComparison.Ordinal);
        Assert.All(requests.Skip(1), r => Assert.Contains("&index=", r.Query, StringComparison.Ordinal));
        Assert.All(requests.Skip(1), r => Assert.Contains("&wait=300000ms", r.Query, StringComparison.Ordinal));
        Assert.InRange(requests.Length, 1 + 3 + 1, 1 + (2 * 3) + 1);
    }

    [Fact]
    public async Task Watch_AgentStopped_KeepsTheLastAnswerLogsAndFollowsTheRestartedAgent()
    {
        var agent = await AgentProcess.StartAsync();
        try
        {
            var name = AgentFixture.UniqueName();
            var uri = $"http://{name}";
            var serviceId = await agent.RegisterServiceAsync(name);
            await agent.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:5001");
            await using var client = new ClientHarness(agent.Address);
            Assert.Equal(["http://127.0.0.1:5001"], await client.EndpointsAsync(uri));
            var before = await client.Resolver.GetEndpointsAsync(uri, TestContext.Current.CancellationToken);

            agent.Kill();
            var deadline = DateTime.UtcNow + s_generous;
            while (!client.Logs.GetSnapshot().Any(r => r.Id.Id == EventIds.AgentUnreachable) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            var failure = client.Logs.GetSnapshot().First(r => r.Id.Id == EventIds.AgentUnreachable);
            Assert.Contains(name.ToLowerInvariant(), failure.Message, StringComparison.Ordinal);
            Assert.Contains("keeping the last answer (1 endpoint(s))", failure.Message, StringComparison.Ordinal);
            Assert.False(before.ChangeToken.HasChanged);
            Assert.Equal(["http://127.0.0.1:5001"], await client.EndpointsAsync(uri));

            // The agent comes back with its data: the client notices changes again (its retries back off to 10 s at most).
            await using var restarted = await AgentProcess.StartAsync(agent.DataDir, agent.Port);
            await restarted.RegisterInstanceAsync(serviceId, "rest://127.0.0.1:5002");
            Assert.Equal(["http://127.0.0.1:5001", "http://127.0.0.1:5002"], await client.WaitForEndpointsAsync(uri, ["http://127.0.0.1:5001", "http://127.0.0.1:5002"], TimeSpan.FromSeconds(30)));
            Assert.Contains(client.Logs.GetSnapshot(), r => r.Id.Id == EventIds.AgentReachableAgain);
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetEndpoints_AgentDownAtFirstLookup_FailsAndLogsRatherThanAnsweringEmpty()
    {
        await using var client = new ClientHarness(new Uri($"http://127.0.0.1:{AgentProcess.FreePort()}"));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.EndpointsAsync($"http://{AgentFixture.UniqueName()}"));
        Assert.Contains(client.Logs.GetSnapshot(), r => r.Id.Id == EventIds.FirstLookupFailed);
    }
}
