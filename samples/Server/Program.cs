using System.Net.Http.Json;
using System.Text.Json.Nodes;

// The seed's "Server": registers service Server through its local agent's Service-Center API (the same calls a
// go-chassis app makes), heartbeats every 30 s, and answers AddEmploy.
var builder = WebApplication.CreateSlimBuilder(args);
var registry = (Environment.GetEnvironmentVariable("SERVICECOMB_REGISTRY_ADDRESS") ?? "http://127.0.0.1:30100").TrimEnd('/') + "/v4/default/registry";
var listen = Environment.GetEnvironmentVariable("SERVER_LISTEN") ?? "127.0.0.1:8083";
builder.WebHost.UseUrls("http://" + listen);
var app = builder.Build();
app.MapPost("/employ/add", (Employ employ) =>
{
    Console.WriteLine($"AddEmploy {employ.Name} {employ.Phone}");
    return Results.Json(new { employ.Name, employ.Phone, Result = "added by Server at " + listen });
});

using var http = new HttpClient();
var service = await http.PostAsJsonAsync(registry + "/microservices", new JsonObject
{
    ["service"] = new JsonObject { ["appId"] = "demo", ["serviceName"] = "Server", ["version"] = "0.0.1" },
});
var serviceId = (await service.Content.ReadFromJsonAsync<JsonObject>())!["serviceId"]!.GetValue<string>();
var instance = await http.PostAsJsonAsync($"{registry}/microservices/{serviceId}/instances", new JsonObject
{
    ["instance"] = new JsonObject { ["hostName"] = "server-" + listen, ["endpoints"] = new JsonArray("rest://" + listen) },
});
var instanceId = (await instance.Content.ReadFromJsonAsync<JsonObject>())!["instanceId"]!.GetValue<string>();
Console.WriteLine($"registered Server {serviceId}/{instanceId} at {registry}");
using var heartbeat = new PeriodicTimer(TimeSpan.FromSeconds(30));
_ = Task.Run(async () =>
{
    while (await heartbeat.WaitForNextTickAsync())
    {
        using var _ = await http.PutAsync($"{registry}/microservices/{serviceId}/instances/{instanceId}/heartbeat", null);
    }
});
await app.RunAsync();

internal sealed record Employ(string Name, string Phone);
