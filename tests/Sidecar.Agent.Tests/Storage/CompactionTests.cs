using Microsoft.Extensions.Logging.Abstractions;
using Sidecar.Agent.Storage;
using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Tests.Storage;

public sealed class CompactionTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-compaction-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Churn_100000RegisterUnregister_FileStaysBounded()
    {
        var (store, _) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        store.SaveIdentity("churn", null);
        store.Start();
        var replica = new Replica("churn", TimeProvider.System, store);
        replica.Start();
        var service = new ServiceRef("default", "default", "svc");
        await replica.WriteAsync(w =>
        {
            w.Put(RecordKey.ForService(w.LocalSource, service), new MicroService { ServiceId = "svc", AppId = "app", ServiceName = "svc", Version = "1.0.0" });
            return 0;
        }, TestContext.Current.CancellationToken);

        long early = 0;
        const int Rounds = 1000, PerRound = 100;
        for (var round = 0; round < Rounds; round++)
        {
            var keys = Enumerable.Range(0, PerRound).Select(_ => RecordKey.ForInstance(replica.LocalSource, service, Guid.NewGuid().ToString("N"))).ToList();
            await replica.WriteAsync(w =>
            {
                foreach (var key in keys)
                {
                    w.Put(key, new MicroServiceInstance { InstanceId = key.Item, ServiceId = "svc", HostName = "h", Endpoints = ["rest://10.0.0.1:80"] });
                    w.SetLease(key, TimeSpan.FromSeconds(120));
                }

                return 0;
            }, TestContext.Current.CancellationToken);
            await replica.WriteAsync(w =>
            {
                keys.ForEach(w.Delete);
                return 0;
            }, TestContext.Current.CancellationToken);

            // The agent purges once a minute with its retention; here every 50 rounds with none.
            if (round % 50 == 49)
            {
                await replica.PurgeTombstonesAsync(TimeSpan.Zero);
            }

            if (round == 99)
            {
                early = FilesSize();
            }
        }

        await replica.PurgeTombstonesAsync(TimeSpan.Zero);
        await replica.DisposeAsync();
        store.Dispose();
        var final = FilesSize();

        Assert.True(final <= 2 * early + 1024 * 1024, $"after 10,000 churns the files held {early:N0} bytes, after 100,000 {final:N0}");
        var (reopened, state) = LiteDbReplicaStore.Open(_dataDir, TimeProvider.System, NullLogger.Instance);
        reopened.Dispose();
        Assert.DoesNotContain(state.Records, r => r.Key.Kind == RecordKind.Instance && !r.IsTombstone);
        Assert.True(state.Records.Count < 1000, $"{state.Records.Count} records left after purging");
    }

    private long FilesSize() => Directory.GetFiles(_dataDir).Sum(f => new FileInfo(f).Length);
}
