using System.Text.Json;

namespace Sidecar.Kubernetes.Source;

// Only the fields the source reads (spec/kubernetes.md section 1): small objects keep a 50,000-endpoint cluster
// cheap in memory, and System.Text.Json source generation (no reflection) keeps the agent Native AOT compatible.
// Unknown fields are ignored, so newer API servers stay readable.

/// <summary>An object the source stores: every kind has metadata.</summary>
internal interface IKubeObject
{
    KubeMeta? Metadata { get; }
}

internal sealed class KubeMeta
{
    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }

    public DateTimeOffset? CreationTimestamp { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }
}

internal sealed class KubeService : IKubeObject
{
    public KubeMeta? Metadata { get; init; }

    public KubeServiceSpec? Spec { get; init; }
}

internal sealed class KubeServiceSpec
{
    public string? Type { get; init; }

    public string? ExternalName { get; init; }
}

/// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
internal sealed class KubeEndpointSlice : IKubeObject
{
    public KubeMeta? Metadata { get; init; }

    public string? AddressType { get; init; }

    public List<KubeEndpoint>? Endpoints { get; init; }

    public List<KubeEndpointPort>? Ports { get; init; }
}

internal sealed class KubeEndpoint
{
    public List<string>? Addresses { get; init; }

    public KubeEndpointConditions? Conditions { get; init; }

    public string? NodeName { get; init; }

    public string? Zone { get; init; }

    public KubeObjectReference? TargetRef { get; init; }
}

/// <summary>nil means unknown; for <c>terminating</c>, nil means not terminating.</summary>
internal sealed class KubeEndpointConditions
{
    public bool? Ready { get; init; }

    public bool? Serving { get; init; }

    public bool? Terminating { get; init; }
}

internal sealed class KubeObjectReference
{
    public string? Kind { get; init; }

    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }
}

internal sealed class KubeEndpointPort
{
    public string? Name { get; init; }

    public string? Protocol { get; init; }

    public int? Port { get; init; }
}

internal sealed class KubePod : IKubeObject
{
    public KubeMeta? Metadata { get; init; }

    public KubePodSpec? Spec { get; init; }

    public KubePodStatus? Status { get; init; }
}

internal sealed class KubePodSpec
{
    public string? NodeName { get; init; }
}

internal sealed class KubePodStatus
{
    public string? Phase { get; init; }

    public string? HostIP { get; init; }

    public string? PodIP { get; init; }

    public List<KubePodIp>? PodIPs { get; init; }
}

internal sealed class KubePodIp
{
    public string? Ip { get; init; }
}

internal sealed class KubeNode : IKubeObject
{
    public KubeMeta? Metadata { get; init; }
}

/// <summary>A list answer: the items and the resourceVersion to watch from (and a continue token when paged).</summary>
internal sealed class KubeList<T>
{
    public KubeListMeta? Metadata { get; init; }

    public List<T>? Items { get; init; }
}

internal sealed class KubeListMeta
{
    public string? ResourceVersion { get; init; }

    public string? Continue { get; init; }
}

/// <summary>One line of a <c>watch=true</c> stream; the object's shape depends on the type (ERROR carries a Status).</summary>
internal sealed class KubeWatchEvent
{
    public string? Type { get; init; }

    public JsonElement Object { get; init; }
}

/// <summary>metav1.Status: the body of API errors and of watch ERROR events.</summary>
internal sealed class KubeStatus
{
    public int? Code { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}
