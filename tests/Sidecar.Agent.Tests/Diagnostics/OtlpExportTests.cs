using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sidecar.Agent.Tests.Storage;

namespace Sidecar.Agent.Tests.Diagnostics;

/// <summary>OTLP is optional, by setting: a real agent process with <c>OTEL_EXPORTER_OTLP_*</c> pushes its metrics to a collector.</summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("sidecar-otlp").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task OtlpEndpointSet_AgentPushesItsMetricsOverHttpProtobuf()
    {
        var ct = TestContext.Current.CancellationToken;
        var posts = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            posts.Enqueue((context.Request.Path, context.Request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync(ct);

        await using var agent = await SidecarProcess.StartAsync(_dataDir, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
        }, null, "--node-name", "otlp-node");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!posts.Any(p => Contains(p.Body, "sidecar.instances")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        var export = posts.FirstOrDefault(p => Contains(p.Body, "sidecar.instances"));
        Assert.True(export.Body is not null, $"no OTLP export holding sidecar.instances within 30 s ({posts.Count} posts):\n{agent.Output}");
        Assert.Equal("/v1/metrics", export.Path);
        Assert.Equal("application/x-protobuf", export.ContentType);
        // The resource and the agent's own source label travel with the data points.
        Assert.True(Contains(export.Body, "agent:otlp-node"), "the sidecar_instances point of the agent's own source");
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
