using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sidecar.Benchmarks.Http;

/// <summary>
/// A minimal HTTP/1.1 keep-alive client over one socket: sends a pre-encoded GET and reads one response framed by
/// Content-Length. Far cheaper than HttpClient, so the load generator is not what limits the figures.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] s_headerEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_contentLength = "\r\ncontent-length:"u8.ToArray();
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static async Task<RawHttpConnection> OpenAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawHttpConnection(socket);
    }

    public static byte[] Request(string pathAndQuery, string host) =>
        Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n");

    /// <summary>Sends one request and reads its whole response; returns the status code and the body length.</summary>
    public async ValueTask<(int Status, int BodyLength)> SendAsync(byte[] request)
    {
        var sent = 0;
        while (sent < request.Length)
        {
            sent += await _socket.SendAsync(request.AsMemory(sent), SocketFlags.None);
        }

        var filled = 0;
        var total = -1;
        var bodyLength = 0;
        while (total < 0 || filled < total)
        {
            if (filled == _buffer.Length)
            {
                throw new InvalidOperationException("response larger than the buffer");
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("connection closed by the server");
            }

            filled += read;
            if (total < 0)
            {
                var end = _buffer.AsSpan(0, filled).IndexOf(s_headerEnd);
                if (end >= 0)
                {
                    bodyLength = ContentLength(_buffer.AsSpan(0, end + 2));
                    total = end + 4 + bodyLength;
                }
            }
        }

        if (filled != total)
        {
            throw new InvalidOperationException("unexpected bytes after the response");
        }

        return Utf8Parser.TryParse(_buffer.AsSpan(9, 3), out int status, out _) ? (status, bodyLength) : (0, bodyLength);
    }

    /// <summary>The value of the Content-Length header (case-insensitive), or 0.</summary>
    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        for (var i = 0; i + s_contentLength.Length <= head.Length; i++)
        {
            var candidate = head.Slice(i, s_contentLength.Length);
            if (Ascii.EqualsIgnoreCase(candidate, s_contentLength))
            {
                var value = head[(i + s_contentLength.Length)..].TrimStart((byte)' ');
                return Utf8Parser.TryParse(value, out int length, out _) ? length : 0;
            }
        }

        return 0;
    }

    public void Dispose() => _socket.Dispose();
}
