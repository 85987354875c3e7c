using System.Text.Json.Serialization;

namespace Sidecar.Registry;

/// <summary>Service-Center's error body: <c>{"errorCode":"400012","errorMessage":"...","detail":"..."}</c>.</summary>
/// <remarks><c>errorCode</c> is a JSON string on the wire; clients search the body for it literally.</remarks>
public sealed record ScError
{
    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public int ErrorCode { get; init; }

    public string ErrorMessage { get; init; } = "";

    public string? Detail { get; init; }

    /// <summary>The HTTP status Service-Center answers with: the code divided by 1000.</summary>
    [JsonIgnore]
    public int HttpStatus => ErrorCode / 1000;

    public static ScError Of(int code, string? detail = null) =>
        new() { ErrorCode = code, ErrorMessage = Registry.ErrorCode.MessageOf(code), Detail = string.IsNullOrEmpty(detail) ? null : detail };

    public static ScError InvalidParams(string detail) => Of(Registry.ErrorCode.InvalidParams, detail);
}
