using Sidecar.Registry;
using Sidecar.Replication;

namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Turns a pull into the records of source <c>sc:&lt;name&gt;</c>, on the replica's writer loop: new and changed services and
/// instances are merged with versions from the agent's clock; what the upstream no longer has is tombstoned, unless
/// self-preservation holds the removal. One instance per syncer; touched only from its pull.
/// </summary>
internal sealed class SourceDiff(string source, string nodeName)
{
    private readonly HashSet<string> _knownConflicts = new(StringComparer.Ordinal);
    private int _heldPulls;

    /// <summary>Applies a pull; <paramref name="pulled"/> is every service the upstream has, keyed by serviceId.</summary>
    public PullResult Apply(ReplicaWriter writer, Replica replica, IReadOnlyDictionary<string, PulledService> pulled)
    {
        var existing = writer.RecordsOf(source).Where(r => !r.IsTombstone).ToList();
        var services = existing.Where(r => r.Key.Kind == RecordKind.Service).ToDictionary(r => r.Key.ServiceId, StringComparer.Ordinal);
        var instances = existing.Where(r => r.Key.Kind == RecordKind.Instance).ToDictionary(r => (r.Key.ServiceId, r.Key.Item));
        var preference = new SourcePreference(writer.LocalSource);
        var snapshot = writer.Snapshot;
        var writes = new List<(RecordKey Key, object Value)>();
        var keep = new HashSet<RecordKey>();
        var conflicts = new List<string>();
        var idConflicts = new List<string>();
        foreach (var (serviceId, item) in pulled)
        {
            var service = new ServiceRef(Tenant.Default.Domain, Tenant.Default.Project, serviceId);
            if (snapshot.Services.TryGetValue(service, out var holder) && holder.Source != source && KeyOf(holder.Service) != KeyOf(item.Service))
            {
                // The same serviceId for another service: never merged (the view shows one source's service and only
                // the instances of sources that agree on its key). The preferred source keeps the id.
                var refused = preference.Compare(holder.Source, source) < 0;
                var conflict = $"{serviceId} is {KeyOf(item.Service)} in {source} but {KeyOf(holder.Service)} in {holder.Source}; "
                    + $"{(refused ? holder.Source : source)} keeps it, {(refused ? source : holder.Source)}'s service and instances are not served";
                if (_knownConflicts.Add(conflict))
                {
                    idConflicts.Add(conflict);
                }

                if (refused)
                {
                    continue;
                }
            }

            if (PreferredConflict(snapshot, preference, item.Service, serviceId) is { } winner)
            {
                var conflict = $"{item.Service.Environment}/{item.Service.AppId}/{item.Service.ServiceName}/{item.Service.Version}: {serviceId} from {source} vs {winner}";
                if (_knownConflicts.Add(conflict))
                {
                    conflicts.Add(conflict);
                }

                continue;
            }

            if (item.Instances is null)
            {
                // 304: the instances did not change; keep what we have, services included.
                if (services.ContainsKey(serviceId))
                {
                    Upsert(RecordKey.ForService(source, service), item.Service);
                    keep.UnionWith(instances.Keys.Where(k => k.ServiceId == serviceId).Select(k => RecordKey.ForInstance(source, service, k.Item)));
                }

                continue;
            }

            Upsert(RecordKey.ForService(source, service), item.Service);
            foreach (var instance in item.Instances)
            {
                Upsert(RecordKey.ForInstance(source, service, instance.InstanceId!), instance);
            }
        }

        var removals = existing.Where(r => !keep.Contains(r.Key)).Select(r => r.Key).ToList();
        var instanceRemovals = removals.Count(k => k.Kind == RecordKind.Instance);
        var held = 0;
        if (instances.Count > UpstreamDefaults.SelfPreservationMinInstances && instanceRemovals >= UpstreamDefaults.SelfPreservationRatio * instances.Count)
        {
            // Self-preservation: hold the mass removal until later pulls confirm it.
            if (++_heldPulls <= UpstreamDefaults.SelfPreservationConfirmations)
            {
                held = instanceRemovals;
                removals.Clear();
            }
            else
            {
                _heldPulls = 0;
            }
        }
        else
        {
            _heldPulls = 0;
        }

        var written = 0;
        foreach (var (key, value) in writes)
        {
            if (writer.Get(key) is not { IsTombstone: false } current || !SameValue(key.Kind, current.Value!, value))
            {
                written += writer.Merge(new Record(key, new RecordVersion(replica.Clock.Next(), nodeName), value), RecordOrigin.Upstream) ? 1 : 0;
            }
        }

        foreach (var key in removals)
        {
            writer.Merge(new Record(key, new RecordVersion(replica.Clock.Next(), nodeName), null), RecordOrigin.Upstream);
        }

        return new PullResult(written, removals.Count, held, conflicts, idConflicts);

        void Upsert(RecordKey key, object value)
        {
            keep.Add(key);
            writes.Add((key, value));
        }
    }

    /// <summary>
    /// The rule for "same name and version, different serviceId" (spec 4.3: Service-Center only warns, first adaptor
    /// wins): the copy held by the more preferred source (<see cref="SourcePreference"/>: this agent, its cluster's
    /// agents, Kubernetes, then remote clusters by name) is served; the other one is not imported.
    /// </summary>
    private string? PreferredConflict(RegistrySnapshot snapshot, SourcePreference preference, MicroService service, string serviceId)
    {
        var key = new NameKey(Tenant.Default.Domain, Tenant.Default.Project, service.Environment ?? "", service.AppId ?? "", service.ServiceName ?? "");
        return snapshot.Names.TryGetValue(key, out var answer)
            ? answer.Services.FirstOrDefault(v => v.Ref.ServiceId != serviceId && v.Service.Version == service.Version
                && v.Source != source && preference.Compare(v.Source, source) < 0)?.Source
            : null;
    }

    /// <summary>A service's key as Service-Center indexes it: environment/app/name/version.</summary>
    private static string KeyOf(MicroService service) =>
        $"{service.Environment}/{service.AppId}/{service.ServiceName}/{service.Version}";

    private static bool SameValue(RecordKind kind, object current, object next) =>
        RecordValueCodec.Encode(kind, current).AsSpan().SequenceEqual(RecordValueCodec.Encode(kind, next));
}
