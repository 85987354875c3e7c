using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Agent.AutoRegistration;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.AutoRegistration;

/// <summary>The registrar's loop on a virtual clock, with a scripted probe and an in-memory replica.</summary>
public sealed class AutoRegistrarTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Replica _replica;
    private readonly AutoRegistrationOptions _options;
    private readonly ListLogger _logger = new();
    private readonly ScriptedProbe _probe;
    private bool _appUp;

    public AutoRegistrarTests()
    {
        _probe = new ScriptedProbe(() => _appUp);
        _replica = new Replica("node1", _time);
        _replica.Start();
        _options = AutoRegistrationEnvironment.Read(name => name switch
        {
            "SIDECAR_APP_PORT" => "8080",
            "SIDECAR_SERVICE_NAME" => "shop",
            "POD_UID" => "0000-1111",
            "SIDECAR_APP_DRAIN_DELAY" => "3s",
            _ => null,
        })!;
    }

    public async ValueTask DisposeAsync() => await _replica.DisposeAsync();

    [Fact]
    public async Task RunAsync_AppLifecycle_RegistersOnlyOnceUpThenDownUpAndKeepsLeaseWithoutHeartbeats()
    {
        var registrar = new AutoRegistrar(_options, new LocalRegistry(_replica), _probe, _time, _logger);
        using var stop = new CancellationTokenSource();
        var run = registrar.RunAsync(stop.Token);

        await AdvanceAsync(TimeSpan.FromSeconds(20));
        Assert.Null(Instance());

        _appUp = true;
        await AdvanceAsync(_options.ProbeInterval);
        await WaitUntilAsync(() => Instance()?.Status == "UP");

        _appUp = false;
        // One interval more: the probe timer starts once the registration write returned, which may be a step later.
        await AdvanceAsync(_options.ProbeInterval * (_options.FailureThreshold + 1));
        await WaitUntilAsync(() => Instance()?.Status == "DOWN");

        _appUp = true;
        await AdvanceAsync(_options.ProbeInterval);
        await WaitUntilAsync(() => Instance()?.Status == "UP");

        // Far past the 120 s TTL: the registrar renews the lease itself.
        await AdvanceAsync(TimeSpan.FromMinutes(10));
        await WaitUntilAsync(() => Instance()?.Status == "UP");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stopping = registrar.StopAsync(CancellationToken.None);
        await WaitUntilAsync(() => Instance() is null);
        Assert.False(stopping.IsCompleted, "drains after unregistering");
        // The drain delay starts once the unregister write returned; advance until it has passed.
        for (var i = 0; i < 100 && !stopping.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(stopping.IsCompleted);
        await stopping;
    }

    [Fact]
    public async Task RunAsync_RegistrationFailsFiveTimes_RetriesWithCappedBackoffUntilRegistered()
    {
        var store = new FailingStore(failures: 5);
        await using var replica = new Replica("node2", _time, store);
        replica.Start();
        var registrar = new AutoRegistrar(_options with { MaxRetryDelay = TimeSpan.FromSeconds(4) }, new LocalRegistry(replica), _probe, _time, _logger);
        _appUp = true;
        using var stop = new CancellationTokenSource();
        var run = registrar.RunAsync(stop.Token);

        for (var i = 0; i < 400 && registrar.Registered is null; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(registrar.Registered is not null, "log: " + string.Join(" | ", _logger.Lines));
        Assert.Equal(5, store.Failed);
        var delays = _logger.Lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"trying again in (\d+) s")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(["1", "2", "4", "4", "4"], delays);
        Assert.Contains(replica.Snapshot.Services.Values.SelectMany(s => s.Instances), i => i.Instance.InstanceId == "00001111");
        Assert.False(run.IsCompleted, "the registrar keeps running after it registered");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task RunAsync_QuotaFullThenFreed_RegistersOnceThereIsRoom()
    {
        var registry = new LocalRegistry(_replica, new RegistryQuotas { ServicesPerTenant = 1 });
        var blocker = await registry.RegisterServiceAsync(Tenant.Default, new Sidecar.Contracts.CreateServiceRequest { Service = new MicroService { AppId = "x", ServiceName = "blocker" } }, default);
        var registrar = new AutoRegistrar(_options, registry, _probe, _time, _logger);
        _appUp = true;
        using var stop = new CancellationTokenSource();
        var run = registrar.RunAsync(stop.Token);

        // Refused (400100) for two minutes: far past the first retries, the registrar has not given up.
        await AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Null(registrar.Registered);
        Assert.False(run.IsCompleted);
        Assert.Contains(_logger.Lines, l => l.Contains("Not enough quota", StringComparison.Ordinal) || l.Contains("--quota-services", StringComparison.Ordinal));

        Assert.True((await registry.DeleteServiceAsync(new ServiceRef("default", "default", blocker.Value!), force: true, default)).Ok);
        await AdvanceAsync(TimeSpan.FromSeconds(40));
        await WaitUntilAsync(() => Instance()?.Status == "UP");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private MicroServiceInstance? Instance() =>
        _replica.Snapshot.Services.Values.SelectMany(s => s.Instances).Select(i => i.Instance).SingleOrDefault(i => i.InstanceId == "00001111");

    /// <summary>Advances the virtual clock one second at a time, letting the loop and the replica writer run in between.</summary>
    private async Task AdvanceAsync(TimeSpan total)
    {
        var step = TimeSpan.FromMilliseconds(Math.Min(1000, _options.ProbeInterval.TotalMilliseconds));
        for (var passed = TimeSpan.Zero; passed < total; passed += step)
        {
            _time.Advance(step);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await Task.Delay(50, TestContext.Current.CancellationToken);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), $"probes {_probe.Calls}, now {_time.GetUtcNow():O}, status {Instance()?.Status}; log: {string.Join(" | ", _logger.Lines)}");
    }

    private sealed class ListLogger : ILogger<AutoRegistrar>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }

    /// <summary>A store whose first <paramref name="failures"/> commits throw, as a full or broken disk would.</summary>
    private sealed class FailingStore(int failures) : IReplicaStore
    {
        private int _calls;

        public int Failed => Math.Min(Volatile.Read(ref _calls), failures);

        public ValueTask CommitAsync(ReplicaBatch batch, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failures
                ? ValueTask.FromException(new IOException("No space left on device"))
                : ValueTask.CompletedTask;
    }

    private sealed class ScriptedProbe(Func<bool> answer) : IAppProbe
    {
        public int Calls { get; private set; }

        public Task<bool> ProbeAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(answer());
        }
    }
}
