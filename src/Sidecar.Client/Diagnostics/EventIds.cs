namespace Sidecar.Client.Diagnostics;

/// <summary>
/// Event ids of Sidecar.Client (HOUSE_STYLE 8): the 6xxx range, unused by the agent.
/// 6001-6019 endpoint provider, 6020-6039 registration.
/// </summary>
internal static class EventIds
{
    public const int Resolved = 6001;
    public const int Skipped = 6002;
    public const int AgentUnreachable = 6003;
    public const int AgentReachableAgain = 6004;
    public const int FirstLookupFailed = 6005;
    public const int Registered = 6020;
    public const int RegistrationFailed = 6021;
    public const int HeartbeatRejected = 6022;
    public const int HeartbeatFailed = 6023;
    public const int Unregistered = 6024;
    public const int UnregisterFailed = 6025;
}
