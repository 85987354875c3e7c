using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Kubernetes.Diagnostics;
using Sidecar.Kubernetes.Hosting;
using Sidecar.Kubernetes.Webhook;

namespace Microsoft.AspNetCore.Builder;

internal static class InjectorEndpointRouteBuilderExtensions
{
    /// <value>The webhook path; the MutatingWebhookConfiguration's clientConfig.service.path.</value>
    public const string InjectPath = "/inject";

    /// <value>Largest AdmissionReview accepted (the API server caps objects at about 1.5 MiB).</value>
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static RouteGroupBuilder MapSidecarInjector(this IEndpointRouteBuilder endpoints)
    {
        // Start listening now: measurements taken before the first scrape must count.
        _ = endpoints.ServiceProvider.GetRequiredService<PrometheusMetrics>();
        var group = endpoints.MapGroup("");
        group.MapPost(InjectPath, HandleAsync);
        group.MapGet("/healthz", () => Results.Text("ok"));
        group.MapGet("/readyz", (CaBundleReadiness readiness) => readiness.IsReady ? Results.Text("ok") : Results.Text("caBundle does not trust this certificate yet", statusCode: StatusCodes.Status503ServiceUnavailable));
        group.MapGet("/metrics", (PrometheusMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return group;
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, AdmissionReviewHandler handler, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return Results.Json(new WebhookError($"body larger than {MaxBodyBytes} bytes"), WebhookJsonContext.Default.WebhookError, statusCode: StatusCodes.Status400BadRequest);
            }

            body.Write(buffer, 0, read);
        }

        var result = handler.Handle(body.GetBuffer().AsSpan(0, (int)body.Length));
        return result.Review is { } review
            ? Results.Json(review, WebhookJsonContext.Default.AdmissionReview)
            : Results.Json(new WebhookError(result.BadRequestReason!), WebhookJsonContext.Default.WebhookError, statusCode: StatusCodes.Status400BadRequest);
    }
}
