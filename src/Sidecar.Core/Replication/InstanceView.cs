using Sidecar.Registry;

namespace Sidecar.Replication;

/// <summary>An instance as readers see it, with its JSON pre-serialized once per change.</summary>
public sealed class InstanceView(MicroServiceInstance instance, string source, byte[] json)
{
    public MicroServiceInstance Instance { get; } = instance;

    /// <summary>The source that wrote the instance (<c>agent:&lt;node&gt;</c>, <c>k8s:&lt;cluster&gt;</c>, <c>sc:&lt;name&gt;</c>).</summary>
    public string Source { get; } = source;

    public byte[] Json { get; } = json;
}
