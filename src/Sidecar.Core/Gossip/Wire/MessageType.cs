namespace Sidecar.Gossip.Wire;

/// <summary>The first byte of every encoded message.</summary>
internal enum MessageType : byte
{
    Ping = 1,
    IndirectPing = 2,
    Ack = 3,
    Nack = 4,
    Alive = 5,
    Suspect = 6,
    Dead = 7,
    Delta = 8,
    PushPullRequest = 20,
    PushPullResponse = 21,
    PushPullFinal = 22,
    StreamDelta = 23,
    PushPullDeltas = 24,
}
