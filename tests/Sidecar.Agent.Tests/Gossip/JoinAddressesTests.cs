using System.Net;
using System.Net.Sockets;
using Sidecar.Agent.Gossip;

namespace Sidecar.Agent.Tests.Gossip;

public class JoinAddressesTests
{
    [Fact]
    public async Task JoinAddresses_NameWithSeveralAddresses_JoinsThroughAllButSelf()
    {
        // The headless peers Service answers one address per injected pod.
        Task<IPAddress[]> Resolve(string host, CancellationToken _) => Task.FromResult(host == "sidecar-peers"
            ? new[] { IPAddress.Parse("10.1.0.4"), IPAddress.Parse("10.1.0.5"), IPAddress.Parse("10.1.0.6") }
            : throw new SocketException((int)SocketError.HostNotFound));
        var unresolved = new List<string>();

        var addresses = await GossipAgent.JoinAddressesAsync(
            ["sidecar-peers:7946", "10.1.0.7:7946", "missing:7946", "10.1.0.4:7946"], "10.1.0.5:7946", Resolve,
            (host, _) => unresolved.Add(host), TestContext.Current.CancellationToken);

        Assert.Equal(["10.1.0.4:7946", "10.1.0.6:7946", "10.1.0.7:7946"], addresses);
        Assert.Equal(["missing"], unresolved);
    }
}
