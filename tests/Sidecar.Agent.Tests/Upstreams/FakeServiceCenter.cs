using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecar.Agent.Tests.Upstreams;

/// <summary>
/// A fake remote Service-Center on Kestrel, 127.0.0.1 port 0, whose answer can be switched between a valid one and
/// the hostile ones (<see cref="RemoteAnswer"/>). It serves one service with one instance when valid.
/// </summary>
internal sealed class FakeServiceCenter : IAsyncDisposable
{
    private const string Services = "/v4/default/registry/microservices";

    private readonly WebApplication _app;
    private volatile RemoteAnswer _answer = RemoteAnswer.Valid;

    private FakeServiceCenter(WebApplication app, string serviceId, string serviceName)
    {
        _app = app;
        ServiceId = serviceId;
        ServiceName = serviceName;
    }

    public string ServiceId { get; }

    public string ServiceName { get; }

    public string InstanceId => ServiceId + "-i1";

    public Uri Url => new(_app.Urls.First());

    /// <summary>Whether the last endless or huge answer has ended (the agent hung up, or it was complete).</summary>
    public bool StreamEnded { get; private set; }

    public RemoteAnswer Mode
    {
        get => _answer;
        set => _answer = value;
    }

    /// <summary>Starts a remote holding service <paramref name="serviceName"/> (app demo, 1.0.0) under <paramref name="serviceId"/>.</summary>
    public static async Task<FakeServiceCenter> StartAsync(string serviceId, string serviceName)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeServiceCenter(app, serviceId, serviceName);
        app.MapGet(Services, fake.ServicesAsync);
        app.MapGet(Services + "/{serviceId}/instances", (HttpContext context, string serviceId) => fake.InstancesAsync(context, serviceId));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private string ValidService => $$"""{"serviceId":"{{ServiceId}}","appId":"demo","serviceName":"{{ServiceName}}","version":"1.0.0","level":"BACK","status":"UP"}""";

    private Task ServicesAsync(HttpContext context) => _answer switch
    {
        RemoteAnswer.EndlessBody => EndlessAsync(context),
        RemoteAnswer.HugeList => HugeListAsync(context),
        RemoteAnswer.OverLongServiceId => JsonAsync(context, $$"""{"services":[{"serviceId":"{{new string('x', 100_000)}}","appId":"demo","serviceName":"{{ServiceName}}","version":"1.0.0"}]}"""),
        RemoteAnswer.WrongTypes => JsonAsync(context, $$"""{"services":[{"serviceId":"{{ServiceId}}","appId":"demo","serviceName":{"a":1},"version":1.0}]}"""),
        RemoteAnswer.Nulls => JsonAsync(context, $$"""{"services":[{{ValidService}},null,{"serviceId":null,"serviceName":null}]}"""),
        RemoteAnswer.Html => WriteAsync(context, "text/html", "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"),
        RemoteAnswer.TooManySchemas => JsonAsync(context, $$"""{"services":[{"serviceId":"{{ServiceId}}","appId":"demo","serviceName":"{{ServiceName}}","version":"1.0.0","schemas":[{{string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"schema{i}\""))}}]}]}"""),
        RemoteAnswer.InvalidJson => JsonAsync(context, $$"""{"services":[{{ValidService}},{"serviceId":"x" """),
        _ => JsonAsync(context, $$"""{"services":[{{ValidService}}]}"""),
    };

    private Task InstancesAsync(HttpContext context, string serviceId)
    {
        if (_answer == RemoteAnswer.TooManyInstances)
        {
            return ManyInstancesAsync(context, serviceId);
        }

        var instanceId = _answer == RemoteAnswer.OverLongInstanceId ? new string('i', 65) : InstanceId;
        return JsonAsync(context, $$$"""{"instances":[{"instanceId":"{{{instanceId}}}","serviceId":"{{{serviceId}}}","hostName":"host-1","endpoints":["rest://10.9.0.1:8080"],"status":"UP","healthCheck":{"mode":"push","interval":30,"times":3}}]}""");
    }

    private static Task JsonAsync(HttpContext context, string body) => WriteAsync(context, "application/json", body);

    private static async Task WriteAsync(HttpContext context, string contentType, string body)
    {
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A chunked body that never ends: a service list whose array is never closed.</summary>
    private async Task EndlessAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{ValidService},", 512)));
        await StreamAsync(context, "{\"services\":["u8.ToArray(), _ => chunk, long.MaxValue, []);
    }

    /// <summary>300,000 small services, generated while writing (about 12 MB, under the byte limit).</summary>
    private Task HugeListAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        const int count = 300_000;
        const int batch = 1_000;
        return StreamAsync(context, "{\"services\":["u8.ToArray(), i =>
        {
            var text = new StringBuilder();
            for (var n = i * batch; n < (i + 1) * batch; n++)
            {
                text.Append(n == 0 ? "" : ",").Append("{\"serviceId\":\"s").Append(n).Append("\",\"serviceName\":\"n\"}");
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }, count / batch, "]}"u8.ToArray());
    }

    /// <summary>150,001 instances of one service: one more than Service-Center's instance quota.</summary>
    private Task ManyInstancesAsync(HttpContext context, string serviceId)
    {
        context.Response.ContentType = "application/json";
        const int batch = 1_000;
        return StreamAsync(context, "{\"instances\":["u8.ToArray(), i =>
        {
            var text = new StringBuilder();
            for (var n = i * batch; n < Math.Min((i + 1) * batch, 150_001); n++)
            {
                text.Append(n == 0 ? "" : ",").Append("{\"instanceId\":\"i").Append(n).Append("\",\"serviceId\":\"").Append(serviceId).Append("\",\"hostName\":\"h\"}");
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }, (150_001 + batch - 1) / batch, "]}"u8.ToArray());
    }

    private async Task StreamAsync(HttpContext context, byte[] head, Func<long, byte[]> chunk, long chunks, byte[] tail)
    {
        StreamEnded = false;
        try
        {
            await context.Response.Body.WriteAsync(head, context.RequestAborted);
            for (long i = 0; i < chunks; i++)
            {
                await context.Response.Body.WriteAsync(chunk(i), context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(tail, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The agent hung up: what we wanted.
        }
        finally
        {
            StreamEnded = true;
        }
    }
}
