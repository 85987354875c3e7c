namespace Sidecar.Agent.Upstreams;

/// <summary>
/// Reads an answer's body while streaming, never holding more than the limit: a remote that sends an endless
/// (chunked) body or announces a huge one fails after at most <c>limit</c> bytes instead of growing the agent's memory.
/// </summary>
internal static class BoundedBody
{
    private const int FirstBuffer = 16 * 1024;

    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContent content, long limit, string what, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } announced && announced > limit)
        {
            throw TooLarge(what, limit, $"it announces {announced} bytes");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[(int)Math.Min(limit + 1, content.Headers.ContentLength is { } length ? length + 1 : FirstBuffer)];
        var used = 0;
        while (true)
        {
            if (used == buffer.Length)
            {
                if (used > limit)
                {
                    throw TooLarge(what, limit, "it sent more");
                }

                // Grow by doubling, but never past limit + 1 (one byte more tells "over the limit").
                Array.Resize(ref buffer, (int)Math.Min(limit + 1, (long)buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(used), cancellationToken);
            if (read == 0)
            {
                return buffer.AsMemory(0, used);
            }

            used += read;
        }
    }

    private static UpstreamException TooLarge(string what, long limit, string detail) =>
        new($"{what}: answer larger than {limit} bytes ({detail}); raise --upstream-max-response-bytes if the remote is really that large", transient: false);
}
