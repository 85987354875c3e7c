using System.Net.Http.Json;
using Microsoft.Extensions.ServiceDiscovery;

// The seed's "Client", written as a .NET app discovers services: an HttpClient with AddServiceDiscovery() calls
// http://Server/..., and the Sidecar.Client provider resolves "Server" through the local agent (SIDECAR_HTTP_ADDRESS,
// default http://127.0.0.1:30100), following Server's instances as they change. Every few seconds it calls AddEmploy
// and prints which instances it knows and what Server answered.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.AddServiceDiscovery();
builder.Services.AddSidecarServiceEndpointProvider(o => o.AppId = "demo");
builder.Services.AddHttpClient("Server", http => http.BaseAddress = new Uri("http://Server")).AddServiceDiscovery();
using var host = builder.Build();
await host.StartAsync();

var rounds = int.TryParse(Environment.GetEnvironmentVariable("CLIENT_ROUNDS"), out var n) ? n : int.MaxValue;
var server = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("Server");
var resolver = host.Services.GetRequiredService<ServiceEndpointResolver>();
for (var round = 0; round < rounds; round++)
{
    try
    {
        var found = await resolver.GetEndpointsAsync("http://Server", CancellationToken.None);
        Console.WriteLine($"Server resolves to {found.Endpoints.Count} endpoint(s): {string.Join(", ", found.Endpoints)}");
        using var answer = await server.PostAsJsonAsync("/employ/add", new { Name = "Alice", Phone = "12345" });
        Console.WriteLine($"  AddEmploy: {await answer.Content.ReadAsStringAsync()}");
    }
    catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
    {
        // InvalidOperationException: no instance of Server is known (yet).
        Console.WriteLine("  call failed: " + ex.Message);
    }

    await Task.Delay(TimeSpan.FromSeconds(2));
}

await host.StopAsync();
