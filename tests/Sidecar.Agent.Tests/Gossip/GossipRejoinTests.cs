using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Gossip;
using Sidecar.Agent.Storage;
using Sidecar.Agent.Tests.Storage;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>Two agents in-process over the real transport: members are saved, and a restart joins through them.</summary>
public sealed class GossipRejoinTests : IAsyncDisposable
{
    private readonly GossipKeyring _key = new([RandomNumberGenerator.GetBytes(32)]);
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly CancellationTokenSource _stop = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task MembersAreSaved_AndARestartWithoutJoinJoinsThroughThem()
    {
        var store = new MemoryMemberStore();
        var a = await StartAsync("a", store, join: []);
        var b = await StartAsync("b", new MemoryMemberStore(), join: [a.Options.Address]);
        Assert.True(await b.JoinAsync(TimeSpan.FromSeconds(5), Ct));
        await WaitForAsync(() => store.Saved.Any(m => m.Name == "b" && m.State == "alive"), "a saved b");
        var writes = store.Writes;

        // Incarnation bumps alone do not rewrite the saved members.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(writes, store.Writes);

        // "a" gone; its successor on the same data has no --join, only what "a" saved.
        var again = await StartAsync("a2", store, join: []);
        Assert.Equal([b.Options.Address], again.SavedAddresses);
        Assert.True(await again.JoinAsync(TimeSpan.FromSeconds(5), Ct), "joined through the saved member");
        await WaitForAsync(() => b.Node.TryGetMember("a2", out var m) && m.IsLive, "b sees a2");
    }

    /// <summary>
    /// Agents launched together: the seed may not listen yet when the others first try it. The join is tried again
    /// within the wait (100 ms doubling, scaled), not only on the next attempt seconds later.
    /// </summary>
    [Fact]
    public async Task JoinAsync_TriesAgainWithinItsWait_WhenTheSeedComesUpLate()
    {
        var seedPort = SidecarProcess.FreePort();
        var b = await StartAsync("b", new MemoryMemberStore(), join: [$"127.0.0.1:{seedPort}"]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var joining = b.JoinAsync(TimeSpan.FromSeconds(8), Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ct);
        Assert.False(joining.IsCompleted, "nothing listens at the seed yet");

        await StartAsync("a", new MemoryMemberStore(), join: [], seedPort);
        Assert.True(await joining, "joined the seed that came up after the first attempt");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"joined within the wait, not at its end: {watch.Elapsed}");
    }

    private async Task<GossipAgent> StartAsync(string name, IMemberStore store, string[] join, int? fixedPort = null)
    {
        var replica = new Replica(name, TimeProvider.System);
        replica.Start();
        _disposables.Add(replica);
        var port = fixedPort ?? SidecarProcess.FreePort();
        var settings = new GossipSettings
        {
            Bind = new IPEndPoint(IPAddress.Loopback, port),
            Advertise = new IPEndPoint(IPAddress.Loopback, port),
            Keyring = _key,
            Join = join,
            TimeScale = 0.25,
        };
        var agent = new GossipAgent(settings, replica, identityIncarnation: 1, TimeSpan.FromMinutes(10), new GossipOwnership(name), null, TimeProvider.System,
            NullLoggerFactory.Instance, memberStore: store);
        _disposables.Add(agent);
        await agent.StartAsync(Ct);
        _ = agent.RunAsync(_stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        return agent;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(condition(), $"not within 15 s: {what}");
    }

    private sealed class MemoryMemberStore : IMemberStore
    {
        private IReadOnlyList<PersistedMember> _saved = [];
        private int _writes;

        public IReadOnlyList<PersistedMember> Saved => Volatile.Read(ref _saved);

        public int Writes => Volatile.Read(ref _writes);

        public IReadOnlyList<PersistedMember> LoadMembers() => Saved;

        public void SaveMembers(IReadOnlyList<PersistedMember> members)
        {
            Volatile.Write(ref _saved, members);
            Interlocked.Increment(ref _writes);
        }
    }
}
