namespace Sidecar.Gossip;

/// <summary>
/// Round-robin probing in a random order that changes every pass (SWIM's bounded detection time), without storing a
/// permutation: slot = (start + i × stride) mod count with stride coprime to count.
/// </summary>
internal sealed class ProbeOrder
{
    private long _start;
    private long _stride = 1;
    private long _count;
    private long _position;

    /// <summary>The next slot to probe; may be at or past <paramref name="slotCount"/> if slots were removed mid-pass.</summary>
    public int Next(int slotCount, Random random)
    {
        if (_position >= _count)
        {
            _count = Math.Max(1, slotCount);
            _start = random.NextInt64(_count);
            _stride = 1;
            if (_count > 2)
            {
                do
                {
                    _stride = random.NextInt64(1, _count);
                }
                while (Gcd(_stride, _count) != 1);
            }

            _position = 0;
        }

        return (int)((_start + (_position++ * _stride)) % _count);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
