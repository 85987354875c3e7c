using System.Globalization;

namespace Sidecar.Agent.Tests.Gossip;

/// <summary>
/// Which process holds a loopback TCP client socket, from <c>/proc/net/tcp</c> and <c>/proc/&lt;pid&gt;/fd</c>: lets a
/// fake server count its clients per agent process without the agents saying who they are.
/// </summary>
internal static class SocketOwner
{
    /// <param name="clientPort">The client's (ephemeral) port, as the server sees it.</param>
    /// <param name="serverPort">The server's port.</param>
    /// <param name="candidates">The processes to look in: scanning every process of a busy machine takes long enough for
    /// the client to give up on its request and close the socket.</param>
    /// <returns>The process id, or -1 when not found.</returns>
    public static int ProcessOf(int clientPort, int serverPort, IEnumerable<int> candidates)
    {
        var inode = InodeOf(clientPort, serverPort);
        if (inode is null)
        {
            return -1;
        }

        var target = $"socket:[{inode}]";
        foreach (var pid in candidates)
        {
            var dir = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);

            List<string> fds = [];
            for (var attempt = 0; attempt < 3 && fds.Count == 0; attempt++)
            {
                try
                {
                    fds = [.. Directory.EnumerateFiles(Path.Combine(dir, "fd"))];
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone, not ours, or a descriptor closed while listing: try again (a gone process fails thrice).
                }
            }

            foreach (var fd in fds)
            {
                // A busy process (gossip opens and closes connections all the time) closes descriptors while we look.
                try
                {
                    if (new FileInfo(fd).LinkTarget == target)
                    {
                        return pid;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        return -1;
    }

    private static string? InodeOf(int clientPort, int serverPort)
    {
        var local = ":" + clientPort.ToString("X4", CultureInfo.InvariantCulture);
        var remote = ":" + serverPort.ToString("X4", CultureInfo.InvariantCulture);
        // .NET's HTTP client opens dual-mode IPv6 sockets: a connection to 127.0.0.1 is listed in tcp6 (::ffff:127.0.0.1).
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1)))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[1].EndsWith(local, StringComparison.Ordinal) && fields[2].EndsWith(remote, StringComparison.Ordinal))
            {
                return fields[9];
            }
        }

        return null;
    }
}
