using Microsoft.Extensions.Configuration;

namespace Sidecar.Cli;

/// <summary>
/// Where a setting comes from, for every command: the flag, else env <c>SIDECAR_&lt;FLAG&gt;</c>, else
/// <c>Sidecar:&lt;flag&gt;</c> in appsettings.json next to the executable. An empty value counts as unset.
/// </summary>
internal sealed class Settings(IReadOnlyDictionary<string, string> flags, Func<string, string?> environment, IConfiguration configuration)
{
    /// <summary>appsettings.json beside the executable (optional).</summary>
    public static IConfiguration AppSettings() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .Build();

    public string? Get(string name) =>
        NullIfEmpty(flags.GetValueOrDefault(name)) ?? NullIfEmpty(environment(Flag.EnvNameOf(name))) ?? NullIfEmpty(configuration["Sidecar:" + name]);

    /// <summary>Every listed flag that some source sets, flag name to value.</summary>
    public Dictionary<string, string> Resolve(IEnumerable<Flag> known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var flag in known)
        {
            if (Get(flag.Name) is { } value)
            {
                values[flag.Name] = value;
            }
        }

        return values;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
