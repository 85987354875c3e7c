namespace Sidecar.Kubernetes.Injection;

/// <summary>Reasons for not injecting; also the <c>reason</c> tag of the skipped counter.</summary>
internal static class SkipReasons
{
    public const string NotAnnotated = "not-annotated";
    public const string AlreadyInjected = "already-injected";
    public const string ProtectedNamespace = "protected-namespace";
    public const string NotAPod = "not-a-pod";
    public const string NotCreate = "not-create";
}
