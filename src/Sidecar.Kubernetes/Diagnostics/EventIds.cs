namespace Sidecar.Kubernetes.Diagnostics;

/// <summary>
/// Event ids of Sidecar.Kubernetes (HOUSE_STYLE 8; the agent writes its own ids beside its LoggerMessages):
/// 4001-4019 and 4030-4049 the resource watchers; 5001-5019 webhook and mutation, 5020-5039 TLS and caBundle, 5040-5059 offline inject,
/// 5400-5449 certificate reload and caBundle readiness.
/// </summary>
internal static class EventIds
{
    public const int KubeListed = 4001;
    public const int KubeGone = 4002;
    public const int KubeWatchFailed = 4003;
    public const int KubeForbidden = 4004;
    public const int KubeWatchRecovered = 4005;
    public const int KubeWatchEndedAtOnce = 4030;
    public const int InjectorListening = 5001;
    public const int PodInjected = 5002;
    public const int PodSkipped = 5003;
    public const int PodRejected = 5004;
    public const int MalformedReview = 5005;
    public const int SelfSignedCertificate = 5020;
    public const int CertificateLoaded = 5021;
    public const int CaBundlePatched = 5022;
    public const int CaBundlePatchSkipped = 5023;
    public const int CaBundlePatchFailed = 5024;
    public const int CertificateReloaded = 5400;
    public const int CertificateReloadFailed = 5401;
    public const int CaBundleAlreadyCurrent = 5402;
}
