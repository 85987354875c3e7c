using System.Collections.Immutable;
using System.Text.Json;
using Sidecar.Contracts;
using Sidecar.Registry;

namespace Sidecar.Replication;

/// <summary>
/// The writer's mutable state: every record (tombstones included) plus the indexes needed to rebuild only the
/// parts of the snapshot that a change touched. Used by one thread at a time (the replica's writer loop).
/// </summary>
internal sealed class ReplicaState(SourcePreference preference)
{
    private readonly SourcePreference _preference = preference;
    private readonly Dictionary<RecordKey, Record> _records = [];
    private readonly Dictionary<ServiceRef, HashSet<RecordKey>> _byService = [];
    private readonly Dictionary<NameKey, HashSet<string>> _names = [];
    private readonly Dictionary<NameKey, HashSet<string>> _aliases = [];
    private readonly Dictionary<NameKey, Dictionary<string, int>> _consumers = [];
    private readonly HashSet<ServiceRef> _dirtyServices = [];
    private readonly HashSet<NameKey> _dirtyConsumers = [];
    private RegistrySnapshot _snapshot = RegistrySnapshot.Empty;

    /// <summary>The state as of the last <see cref="Publish"/>, including changes not yet handed to readers.</summary>
    public RegistrySnapshot Snapshot => _snapshot;

    public int RecordCount => _records.Count;

    public IEnumerable<Record> Records => _records.Values;

    public Record? Get(in RecordKey key) => _records.GetValueOrDefault(key);

    /// <summary>Merges a record: it replaces the current one only if its version is higher.</summary>
    /// <returns>The change, or null when the record was old news.</returns>
    public RecordChange? Apply(Record record)
    {
        _records.TryGetValue(record.Key, out var before);
        if (before is not null && record.Version <= before.Version)
        {
            return null;
        }

        record = RecordCompaction.Compact(record);
        _records[record.Key] = record;
        var service = record.Key.Service;
        if (!_byService.TryGetValue(service, out var keys))
        {
            _byService[service] = keys = [];
        }

        keys.Add(record.Key);
        _dirtyServices.Add(service);
        if (record.Key.Kind == RecordKind.Dependency)
        {
            TrackDependency(before?.Value as DependencyValue, -1, service);
            TrackDependency(record.Value as DependencyValue, +1, service);
        }

        return new RecordChange(before, record);
    }

    /// <summary>Removes records for good (compaction of tombstones, or a whole source dropped).</summary>
    public void Forget(in RecordKey key)
    {
        if (_records.Remove(key, out var record))
        {
            var service = key.Service;
            if (_byService.TryGetValue(service, out var keys) && keys.Remove(key) && keys.Count == 0)
            {
                _byService.Remove(service);
            }

            if (key.Kind == RecordKind.Dependency)
            {
                TrackDependency(record.Value as DependencyValue, -1, service);
            }

            _dirtyServices.Add(service);
        }
    }

    /// <summary>
    /// Puts a record back as it was before a batch that failed (<paramref name="before"/> null: it did not exist),
    /// whatever the versions; the indexes follow and the next <see cref="Publish"/> rebuilds what it touched.
    /// </summary>
    public void Revert(in RecordKey key, Record? before)
    {
        if (before is null)
        {
            Forget(key);
            return;
        }

        _records.TryGetValue(key, out var current);
        _records[key] = before;
        var service = key.Service;
        if (!_byService.TryGetValue(service, out var keys))
        {
            _byService[service] = keys = [];
        }

        keys.Add(key);
        _dirtyServices.Add(service);
        if (key.Kind == RecordKind.Dependency)
        {
            TrackDependency(current?.Value as DependencyValue, -1, service);
            TrackDependency(before.Value as DependencyValue, +1, service);
        }
    }

    /// <summary>
    /// After a failed batch was reverted and published: the snapshot goes back to <paramref name="published"/>, which
    /// readers still hold and whose content equals the reverted state.
    /// </summary>
    public void ResetSnapshot(RegistrySnapshot published) => _snapshot = published;

    /// <summary>Rebuilds what changed since the last call and returns the new snapshot (also kept as <see cref="Snapshot"/>).</summary>
    public RegistrySnapshot Publish()
    {
        if (_dirtyServices.Count == 0 && _dirtyConsumers.Count == 0)
        {
            return _snapshot;
        }

        var index = _snapshot.Index + 1;
        var services = _snapshot.Services.ToBuilder();
        var dirtyNames = new HashSet<NameKey>();
        var dirtyAliases = new HashSet<NameKey>();
        foreach (var service in _dirtyServices)
        {
            services.TryGetValue(service, out var old);
            var view = BuildService(service, old, index);
            if (old is not null)
            {
                Unindex(old, dirtyNames, dirtyAliases);
            }

            if (view is null)
            {
                services.Remove(service);
            }
            else
            {
                services[service] = view;
                Index(view, dirtyNames, dirtyAliases);
            }
        }

        _dirtyServices.Clear();
        var servicesNow = services.ToImmutable();
        _snapshot = new RegistrySnapshot
        {
            Index = index,
            Services = servicesNow,
            Names = RebuildAnswers(_snapshot.Names, _names, dirtyNames, servicesNow, index),
            Aliases = RebuildAnswers(_snapshot.Aliases, _aliases, dirtyAliases, servicesNow, index),
            Consumers = RebuildConsumers(),
        };
        return _snapshot;
    }

    private ServiceView? BuildService(ServiceRef service, ServiceView? old, long index)
    {
        if (!_byService.TryGetValue(service, out var keys))
        {
            return null;
        }

        Record? serviceRecord = null;
        var serviceRecords = 0;
        foreach (var key in keys)
        {
            if (key.Kind == RecordKind.Service && _records[key] is { IsTombstone: false } record)
            {
                serviceRecord = Preferred(serviceRecord, record);
                serviceRecords++;
            }
        }

        if (serviceRecord is null)
        {
            return null;
        }

        // A source that holds this serviceId for another service (environment/app/name/version) is kept apart: none
        // of its records join the shown service, so two services never merge under one id.
        var shown = (MicroService)serviceRecord.Value!;
        var apart = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in serviceRecords > 1 ? keys : [])
        {
            if (key.Kind == RecordKind.Service && _records[key] is { IsTombstone: false, Value: MicroService other } && !SameServiceKey(shown, other))
            {
                apart.Add(key.Source);
            }
        }

        Record? tagsRecord = null;
        var schemas = new Dictionary<string, Record>();
        var instances = new Dictionary<string, Record>();
        foreach (var key in keys)
        {
            var record = _records[key];
            if (record.IsTombstone || key.Kind == RecordKind.Service || apart.Contains(key.Source))
            {
                continue;
            }

            switch (key.Kind)
            {
                case RecordKind.Tags:
                    tagsRecord = Preferred(tagsRecord, record);
                    break;
                case RecordKind.Schema:
                    schemas[key.Item] = Preferred(schemas.GetValueOrDefault(key.Item), record);
                    break;
                case RecordKind.Instance:
                    instances[key.Item] = Preferred(instances.GetValueOrDefault(key.Item), record);
                    break;
            }
        }

        var ordered = instances.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (Id: p.Key, View: InstanceViewOf(p.Value, old))).ToList();
        var views = ordered.Select(p => p.View).ToImmutableArray();
        var body = InstancesBody(views);
        var unchanged = old is not null && body.AsSpan().SequenceEqual(old.InstancesBody);
        return new ServiceView
        {
            Ref = service,
            Service = (MicroService)serviceRecord.Value!,
            Source = serviceRecord.Key.Source,
            Tags = tagsRecord?.Value is TagsValue tags ? tags.Tags.ToImmutableDictionary() : ImmutableDictionary<string, string>.Empty,
            Schemas = schemas.ToImmutableSortedDictionary(p => p.Key, p => (SchemaValue)p.Value.Value!, StringComparer.Ordinal),
            Instances = views,
            Sources = views.Select(v => v.Source).Append(serviceRecord.Key.Source).Distinct().Order(StringComparer.Ordinal).ToImmutableArray(),
            // Keyed by the record key, so a peer's value with a mismatched id cannot break the view.
            InstancesById = ordered.ToImmutableDictionary(p => p.Id, p => p.View, StringComparer.Ordinal),
            InstancesBody = unchanged ? old!.InstancesBody : body,
            Revision = unchanged ? old!.Revision : RevisionOf(body),
            Index = unchanged ? old!.Index : index,
        };
    }

    private static bool SameServiceKey(MicroService a, MicroService b) =>
        (a.Environment ?? "") == (b.Environment ?? "") && (a.AppId ?? "") == (b.AppId ?? "")
        && (a.ServiceName ?? "") == (b.ServiceName ?? "") && (a.Version ?? "") == (b.Version ?? "");

    private Record Preferred(Record? current, Record candidate) =>
        current is null || _preference.Compare(candidate.Key.Source, current.Key.Source) < 0 ? candidate : current;

    private static InstanceView InstanceViewOf(Record record, ServiceView? old)
    {
        var instance = (MicroServiceInstance)record.Value!;
        if (old is not null && old.InstancesById.TryGetValue(record.Key.Item, out var previous)
            && ReferenceEquals(previous.Instance, instance))
        {
            return previous;
        }

        return new InstanceView(instance, record.Key.Source, JsonSerializer.SerializeToUtf8Bytes(instance, SidecarJsonContext.Default.MicroServiceInstance));
    }

    private void Index(ServiceView view, HashSet<NameKey> dirtyNames, HashSet<NameKey> dirtyAliases)
    {
        Add(_names, view.NameKey, view.Ref.ServiceId);
        dirtyNames.Add(view.NameKey);
        if (view.AliasKey is { } alias)
        {
            Add(_aliases, alias, view.Ref.ServiceId);
            dirtyAliases.Add(alias);
        }
    }

    private void Unindex(ServiceView view, HashSet<NameKey> dirtyNames, HashSet<NameKey> dirtyAliases)
    {
        Remove(_names, view.NameKey, view.Ref.ServiceId);
        dirtyNames.Add(view.NameKey);
        if (view.AliasKey is { } alias)
        {
            Remove(_aliases, alias, view.Ref.ServiceId);
            dirtyAliases.Add(alias);
        }
    }

    private static void Add(Dictionary<NameKey, HashSet<string>> index, NameKey key, string serviceId)
    {
        if (!index.TryGetValue(key, out var ids))
        {
            index[key] = ids = [];
        }

        ids.Add(serviceId);
    }

    private static void Remove(Dictionary<NameKey, HashSet<string>> index, NameKey key, string serviceId)
    {
        if (index.TryGetValue(key, out var ids) && ids.Remove(serviceId) && ids.Count == 0)
        {
            index.Remove(key);
        }
    }

    private static ImmutableDictionary<NameKey, FindAnswer> RebuildAnswers(
        ImmutableDictionary<NameKey, FindAnswer> answers,
        Dictionary<NameKey, HashSet<string>> index,
        HashSet<NameKey> dirty,
        ImmutableDictionary<ServiceRef, ServiceView> services,
        long snapshotIndex)
    {
        if (dirty.Count == 0)
        {
            return answers;
        }

        var builder = answers.ToBuilder();
        foreach (var key in dirty)
        {
            if (!index.TryGetValue(key, out var ids))
            {
                builder.Remove(key);
                continue;
            }

            var views = ids.Select(id => services[new ServiceRef(key.Domain, key.Project, id)])
                .OrderByDescending(v => VersionOrder(v.Service.Version))
                .ThenBy(v => v.Ref.ServiceId, StringComparer.Ordinal)
                .ToImmutableArray();
            // The common case, one version of a name: its answer is the service's own list, already built.
            var body = views.Length == 1 ? views[0].InstancesBody : InstancesBody(views.SelectMany(v => v.Instances));
            builder.TryGetValue(key, out var old);
            var unchanged = old is not null && (ReferenceEquals(body, old.Body) || body.AsSpan().SequenceEqual(old.Body));
            builder[key] = new FindAnswer
            {
                Key = key,
                Services = views,
                Sources = views.SelectMany(v => v.Sources).Distinct().Order(StringComparer.Ordinal).ToImmutableArray(),
                Body = unchanged ? old!.Body : body,
                Revision = unchanged ? old!.Revision : views.Length == 1 ? views[0].Revision : RevisionOf(body),
                Index = unchanged ? old!.Index : snapshotIndex,
            };
        }

        return builder.ToImmutable();
    }

    private static Versioning.ServiceVersion VersionOrder(string? version) =>
        Versioning.ServiceVersion.TryParse(version, out var parsed) ? parsed : default;

    private void TrackDependency(DependencyValue? dependency, int delta, ServiceRef consumer)
    {
        if (dependency is null)
        {
            return;
        }

        var provider = new NameKey(consumer.Domain, consumer.Project, dependency.Environment, dependency.AppId, dependency.ServiceName);
        if (!_consumers.TryGetValue(provider, out var counts))
        {
            _consumers[provider] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var count = counts.GetValueOrDefault(consumer.ServiceId) + delta;
        if (count <= 0)
        {
            counts.Remove(consumer.ServiceId);
        }
        else
        {
            counts[consumer.ServiceId] = count;
        }

        _dirtyConsumers.Add(provider);
    }

    private ImmutableDictionary<NameKey, ImmutableHashSet<string>> RebuildConsumers()
    {
        if (_dirtyConsumers.Count == 0)
        {
            return _snapshot.Consumers;
        }

        var builder = _snapshot.Consumers.ToBuilder();
        foreach (var provider in _dirtyConsumers)
        {
            if (_consumers.TryGetValue(provider, out var counts) && counts.Count > 0)
            {
                builder[provider] = counts.Keys.ToImmutableHashSet(StringComparer.Ordinal);
            }
            else
            {
                _consumers.Remove(provider);
                builder.Remove(provider);
            }
        }

        _dirtyConsumers.Clear();
        return builder.ToImmutable();
    }

    private static byte[] InstancesBody(IEnumerable<InstanceView> instances) => Registry.InstanceJson.Body(instances);

    private static string RevisionOf(byte[] body) => Registry.Discovery.RevisionOf(body);
}
