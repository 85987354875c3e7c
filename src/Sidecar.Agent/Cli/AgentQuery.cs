using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using Sidecar.Cli;

namespace Sidecar.Agent.Cli;

/// <summary>
/// The client commands' link to the agent (used by <see cref="ClientCommand"/>): parses <see cref="ClientFlags"/> (flag,
/// env, appsettings) and fetches the agent's JSON answers, turning every failure into one line.
/// </summary>
internal sealed class AgentQuery(Uri agent, bool json, HttpClient http)
{
    public Uri Agent { get; } = agent;

    public bool Json { get; } = json;

    /// <summary>Parses the flags; null with an exit code when help was printed (0) or a flag is bad (2).</summary>
    public static AgentQuery? Create(string command, string description, string[] args, TextWriter stdout, TextWriter stderr, out int exitCode)
    {
        var parsed = FlagParser.Parse(command, description, ClientFlags.All, args, stdout);
        exitCode = parsed.HelpShown ? 0 : 2;
        if (parsed.Values is null)
        {
            if (parsed.Error is { } parseError)
            {
                stderr.WriteLine($"sidecar {command}: {parseError}");
            }

            return null;
        }

        var settings = new Settings(parsed.Values, Environment.GetEnvironmentVariable, Settings.AppSettings());
        var address = settings.Get("agent") ?? ClientFlags.DefaultAgent;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var agent) || agent.Scheme is not ("http" or "https"))
        {
            stderr.WriteLine($"sidecar {command}: --agent '{address}' is not an http:// or https:// URL (e.g. {ClientFlags.DefaultAgent})");
            return null;
        }

        var format = settings.Get("format") ?? "text";
        if (format is not ("text" or "json"))
        {
            stderr.WriteLine($"sidecar {command}: --format '{format}' must be text or json");
            return null;
        }

        var http = new HttpClient { BaseAddress = agent, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new AgentQuery(agent, format == "json", http);
    }

    /// <summary>GETs <paramref name="path"/>; the body and its parsed form, or an error line.</summary>
    public async Task<(string Body, T? Value, string? Error)> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (body, default, $"the agent at {Agent} answered {path} with {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return (body, System.Text.Json.JsonSerializer.Deserialize(body, type), null);
        }
        catch (HttpRequestException ex)
        {
            return ("", default, $"cannot reach the agent at {Agent} ({ex.Message}); is 'sidecar agent' running there? (set --agent)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ("", default, $"the agent at {Agent} did not answer {path} within {http.Timeout.TotalSeconds:0} s");
        }
        catch (System.Text.Json.JsonException ex)
        {
            return ("", default, $"the agent at {Agent} answered {path} with something that is not its JSON ({ex.Message})");
        }
    }
}
