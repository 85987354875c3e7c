using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sidecar.Kubernetes.Tests.Infrastructure;

namespace Sidecar.Kubernetes.Tests.Webhook;

/// <summary>The webhook over real HTTPS on loopback, as the API server calls it.</summary>
public sealed class WebhookEndpointTests
{
    [Theory]
    [InlineData(true, "Webhook/expected-native.json")]
    [InlineData(false, "Webhook/expected-container.json")]
    public async Task Inject_AnnotatedPod_PatchAppliedToInputGivesGoldenPod(bool nativeSidecar, string golden)
    {
        await using var server = await WebhookServer.StartAsync(TestOptions.Injector(nativeSidecar));

        var response = await PostAsync(server, AdmissionReviews.ForFile("Webhook/pod-annotated.json"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var answer = response.Body!["response"]!;
        Assert.Equal(AdmissionReviews.Uid, (string?)answer["uid"]);
        Assert.True((bool)answer["allowed"]!);
        Assert.Equal("JSONPatch", (string?)answer["patchType"]);
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String((string)answer["patch"]!));
        var input = JsonNode.Parse(Golden.Read("Webhook/pod-annotated.json"))!;
        Golden.AssertJson(golden, JsonPatchApplier.Apply(input, patch));
    }

    [Theory]
    [InlineData("Webhook/pod-plain.json", "Pod", "")]
    [InlineData("Webhook/pod-injected.json", "Pod", "")]
    [InlineData("Webhook/configmap.json", "ConfigMap", "")]
    [InlineData("Webhook/pod-annotated.json", "Deployment", "apps")]
    public async Task Inject_NothingToDo_AllowedWithoutPatch(string file, string kind, string group)
    {
        await using var server = await WebhookServer.StartAsync();

        var response = await PostAsync(server, AdmissionReviews.ForFile(file, kind, group));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var answer = response.Body!["response"]!.AsObject();
        Assert.Equal(AdmissionReviews.Uid, (string?)answer["uid"]);
        Assert.True((bool)answer["allowed"]!);
        Assert.False(answer.ContainsKey("patch"));
        Assert.False(answer.ContainsKey("patchType"));
        Assert.Equal("admission.k8s.io/v1", (string?)response.Body["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)response.Body["kind"]);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\"}}")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"object\":42}}")]
    [InlineData("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"object\":{\"spec\":{\"containers\":\"oops\"}}}}")]
    [InlineData("[1,2,3]")]
    public async Task Inject_MalformedBody_400WithReason(string body)
    {
        await using var server = await WebhookServer.StartAsync();

        var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.False(string.IsNullOrWhiteSpace((string?)response.Body!["reason"]));
    }

    [Fact]
    public async Task Inject_InvalidAppPortAnnotation_RefusedWithMessageNamingTheAnnotation()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = JsonNode.Parse(Golden.Read("Webhook/pod-annotated.json"))!;
        pod["metadata"]!["annotations"]!["sidecar.servicecomb.io/app-port"] = "http";

        var response = await PostAsync(server, AdmissionReviews.For(pod));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var answer = response.Body!["response"]!;
        Assert.False((bool)answer["allowed"]!);
        Assert.Equal(400, (int)answer["status"]!["code"]!);
        Assert.Contains("sidecar.servicecomb.io/app-port", (string?)answer["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAndMetrics_Served()
    {
        await using var server = await WebhookServer.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await PostAsync(server, AdmissionReviews.ForFile("Webhook/pod-annotated.json"));
        await PostAsync(server, AdmissionReviews.ForFile("Webhook/pod-plain.json"));
        await PostAsync(server, "garbage");

        Assert.Equal("ok", await server.Client.GetStringAsync("/healthz", ct));
        Assert.Equal("ok", await server.Client.GetStringAsync("/readyz", ct));
        var metrics = await server.Client.GetStringAsync("/metrics", ct);

        Assert.Contains("# TYPE sidecar_injector_injected_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("\nsidecar_injector_injected_total{otel_scope_name=\"Sidecar.Kubernetes\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nsidecar_injector_skipped_total{otel_scope_name=\"Sidecar.Kubernetes\",reason=\"not-annotated\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nsidecar_injector_failed_total{otel_scope_name=\"Sidecar.Kubernetes\",reason=\"malformed\"} 1\n", metrics, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(WebhookServer server, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/inject", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(text));
    }
}
