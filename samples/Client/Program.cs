using System.Net.Http.Json;
using System.Text.Json.Nodes;

// The seed's "Client": finds Server through its own local agent (GET /v4/.../instances?appId=demo&serviceName=Server)
// and calls AddEmploy on the first endpoint, every few seconds, printing what it found and what Server answered.
var registry = (Environment.GetEnvironmentVariable("SERVICECOMB_REGISTRY_ADDRESS") ?? "http://127.0.0.1:30100").TrimEnd('/') + "/v4/default/registry";
var rounds = int.TryParse(Environment.GetEnvironmentVariable("CLIENT_ROUNDS"), out var n) ? n : int.MaxValue;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
for (var round = 0; round < rounds; round++)
{
    try
    {
        using var found = await http.GetAsync(registry + "/instances?appId=demo&serviceName=Server");
        var body = await found.Content.ReadFromJsonAsync<JsonObject>();
        var instances = body?["instances"]?.AsArray() ?? [];
        Console.WriteLine($"find Server: {instances.Count} instance(s), stale={found.Headers.Contains("X-Sidecar-Stale")}");
        foreach (var instance in instances)
        {
            var endpoint = instance!["endpoints"]![0]!.GetValue<string>().Replace("rest://", "http://", StringComparison.Ordinal);
            var cluster = instance["properties"]?["cluster"]?.GetValue<string>() ?? "local";
            using var answer = await http.PostAsJsonAsync(endpoint + "/employ/add", new { Name = "Alice", Phone = "12345" });
            Console.WriteLine($"  AddEmploy via {endpoint} (cluster {cluster}): {await answer.Content.ReadAsStringAsync()}");
        }
    }
    catch (HttpRequestException ex)
    {
        Console.WriteLine("  call failed: " + ex.Message);
    }

    await Task.Delay(TimeSpan.FromSeconds(2));
}
