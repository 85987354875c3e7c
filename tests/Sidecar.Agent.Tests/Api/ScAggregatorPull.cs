using System.Net;
using System.Text.Json;

namespace Sidecar.Agent.Tests.Api;

/// <summary>
/// One pull of Service-Center's servicecenter adaptor (spec 4.2, <c>sd/servicecenter/syncer.go</c>), written from the
/// spec's dump format rather than from the agent's types: <c>GET /v4/default/admin/dump</c> with
/// <c>X-Domain-Name: default</c>; entries whose cluster is empty or <c>default</c> take the name the aggregator gives
/// the remote; entries of the aggregator's own cluster are skipped.
/// </summary>
internal sealed class ScAggregatorPull
{
    private readonly Dictionary<string, List<Entry>> _entries;

    private ScAggregatorPull(Dictionary<string, List<Entry>> entries) => _entries = entries;

    public sealed record Entry(string Key, long Rev, string Cluster, JsonElement Value);

    public static async Task<ScAggregatorPull> PullAsync(HttpClient client, string remoteName, string ownCluster)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v4/default/admin/dump");
        request.Headers.Add("X-Domain-Name", "default");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var cache = JsonDocument.Parse(text).RootElement.GetProperty("cache").Clone();
        var entries = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
        foreach (var type in cache.EnumerateObject())
        {
            var list = entries[type.Name] = [];
            foreach (var kv in type.Value.EnumerateArray())
            {
                // Go decodes key, rev and cluster without defaults: each must be present with its type.
                var cluster = kv.GetProperty("cluster").GetString()!;
                if (cluster is "" or "default")
                {
                    cluster = remoteName;
                }

                if (cluster == ownCluster)
                {
                    continue;
                }

                list.Add(new Entry(kv.GetProperty("key").GetString()!, kv.GetProperty("rev").GetInt64(), cluster, kv.GetProperty("value")));
            }
        }

        return new ScAggregatorPull(entries);
    }

    public IReadOnlyList<Entry> Entries(string type) => _entries.GetValueOrDefault(type) ?? [];

    public Entry Service(string serviceId) =>
        Entries("services").Single(e => e.Key == $"/cse-sr/ms/files/default/default/{serviceId}" && e.Value.GetProperty("serviceId").GetString() == serviceId);

    public Entry Instance(string serviceId, string instanceId) =>
        Entries("instances").Single(e => e.Key == $"/cse-sr/inst/files/default/default/{serviceId}/{instanceId}"
            && e.Value.GetProperty("serviceId").GetString() == serviceId);
}
