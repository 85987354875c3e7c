namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Reads answers' bodies while streaming, never holding more than the limit: a remote that sends an endless (chunked)
/// body or announces a huge one fails after at most <c>limit</c> bytes instead of growing the agent's memory. One
/// instance per upstream client reuses its buffer (as large as the largest answer so far, at most the limit), so a
/// remote that keeps answering big does not pile up garbage; a body is valid until the next read.
/// </summary>
internal sealed class BoundedBody(long limit)
{
    private const int FirstBuffer = 16 * 1024;

    private byte[] _buffer = new byte[FirstBuffer];

    public long Limit => limit;

    public async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContent content, string what, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } announced && announced > limit)
        {
            throw TooLarge(what, $"it announces {announced} bytes");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var used = 0;
        while (true)
        {
            var capacity = (int)Math.Min(_buffer.Length, limit + 1);
            if (used == capacity)
            {
                if (used > limit)
                {
                    throw TooLarge(what, "it sent more");
                }

                // Grow by doubling, but never past limit + 1 (one byte more tells "over the limit").
                var larger = new byte[(int)Math.Min(limit + 1, (long)_buffer.Length * 2)];
                _buffer.AsSpan(0, used).CopyTo(larger);
                _buffer = larger;
                continue;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(used, capacity - used), cancellationToken);
            if (read == 0)
            {
                return _buffer.AsMemory(0, used);
            }

            used += read;
        }
    }

    private UpstreamException TooLarge(string what, string detail) =>
        new($"{what}: answer larger than {limit} bytes ({detail}); raise --upstream-max-response-bytes if the remote is really that large", transient: false);
}
