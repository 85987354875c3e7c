using System.Net;
using System.Text.Json;

namespace Sidecar.Agent.Tests;

/// <summary>Assertions on Service-Center's wire conventions.</summary>
internal static class ScAssert
{
    /// <summary>
    /// Service-Center's error: HTTP status = code / 1000, application/json,
    /// <c>{"errorCode":"&lt;code as string&gt;","errorMessage":"...","detail"?:"..."}</c>.
    /// </summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, int code)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(code / 1000 == (int)response.StatusCode, $"expected HTTP {code / 1000} for {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"errorCode\":\"{code}\"", text, StringComparison.Ordinal);
        var json = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(JsonValueKind.String, json.GetProperty("errorCode").ValueKind);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("errorMessage").GetString()));
        if (json.TryGetProperty("detail", out var detail))
        {
            Assert.False(string.IsNullOrEmpty(detail.GetString()), "detail is omitted when empty");
        }

        return json;
    }

    /// <summary>Any 4xx in Service-Center's error format (never a 5xx).</summary>
    public static async Task<int> ClientErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"expected a 4xx, got {status}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        var code = json.GetProperty("errorCode");
        Assert.Equal(JsonValueKind.String, code.ValueKind);
        var value = int.Parse(code.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(status, value / 1000);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("errorMessage").GetString()));
        return value;
    }

    /// <summary>Service-Center's "no object" success: 200, text/plain, empty body.</summary>
    public static async Task EmptyOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("", text);
    }
}
