using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
        var group = endpoints.MapGroup("");
        group.MapPost(InjectPath, HandleAsync);
        group.MapGet("/healthz", () => Results.Text("ok"));
        group.MapHealthChecks("/readyz", new HealthCheckOptions { ResponseWriter = WriteReadinessAsync });
        group.MapPrometheusScrapingEndpoint("/metrics");
        return group;
    }

    /// <summary><c>ok</c>, or <c>not ready: </c> and why (503).</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var text = report.Status == HealthStatus.Healthy ? "ok" : "not ready: " + string.Join("; ", report.Entries.Values.Select(e => e.Description));
        return context.Response.WriteAsync(text, context.RequestAborted);
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
