using System.Net;

namespace Sidecar.Agent.Gossip;

/// <summary>A token bucket per IP address, bounded in the number of addresses it remembers.</summary>
internal sealed class PeerRateLimiter(int perSecond, TimeProvider timeProvider, int maxPeers = 4_096)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];

    public bool TryAcquire(IPAddress peer)
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(peer, out var bucket))
            {
                if (_buckets.Count >= maxPeers)
                {
                    // A flood from many spoofed addresses: forget them all rather than grow.
                    _buckets.Clear();
                }

                _buckets[peer] = bucket = new Bucket { Tokens = 2.0 * perSecond, At = now };
            }

            var elapsed = timeProvider.GetElapsedTime(bucket.At, now).TotalSeconds;
            bucket.Tokens = Math.Min(2.0 * perSecond, bucket.Tokens + (elapsed * perSecond));
            bucket.At = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens--;
            return true;
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long At { get; set; }
    }
}
