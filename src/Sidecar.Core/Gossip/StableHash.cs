using System.Text;

namespace Sidecar.Gossip;

/// <summary>A hash that is the same in every process and run (string.GetHashCode is randomized per process).</summary>
internal static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    /// <summary>FNV-1a over the UTF-16 code units, finished with a mixer for good avalanche.</summary>
    public static ulong Of(string value)
    {
        var hash = FnvOffset;
        foreach (var c in value)
        {
            hash = (hash ^ (byte)c) * FnvPrime;
            hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
        }

        return Mix(hash);
    }

    public static ulong Of(ReadOnlySpan<byte> value)
    {
        var hash = FnvOffset;
        foreach (var b in value)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return Mix(hash);
    }

    /// <summary>SplitMix64 finalizer.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9;
        x ^= x >> 27;
        x *= 0x94d049bb133111eb;
        x ^= x >> 31;
        return x;
    }

    public static ulong Combine(ulong a, ulong b) => Mix(a ^ ((b << 23) | (b >> 41)) ^ 0x9e3779b97f4a7c15);

    public static ulong OfUtf8(string value) => Of(Encoding.UTF8.GetBytes(value));
}
