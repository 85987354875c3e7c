using Microsoft.Extensions.Options;

namespace Sidecar.Agent.Hosting;

/// <summary>
/// Checks of <see cref="AgentOptions"/> as a whole, run when the host starts (<c>ValidateOnStart</c>; <see cref="AgentHost"/>
/// asks before it opens the data dir). <see cref="CommandLine"/> checks the shape of each value; what depends on other
/// settings or on the protocol is checked here. Each failure is one line naming the flag: the process exits 2 with it.
/// </summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    /// <summary>Gossip's replay window (2 min) plus the clock lead it accepts (60 s), rounded up.</summary>
    public static readonly TimeSpan MinTombstoneRetention = TimeSpan.FromMinutes(3);

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            return ValidateOptionsResult.Fail("--data-dir must not be empty");
        }

        // Tombstones must outlive the replay window, or a replayed message could bring a deleted record back
        // (src/Sidecar.Agent/Gossip/README.md, Limits).
        if (options.TombstoneRetention < MinTombstoneRetention)
        {
            return ValidateOptionsResult.Fail($"--tombstone-retention '{options.TombstoneRetention.TotalSeconds:0.###}s' must be at least {MinTombstoneRetention.TotalSeconds:0} seconds (tombstones must outlive gossip's 3 min replay window)");
        }

        if (options.HealthListen is { } health && (health.Port == 0 || health.Port == options.Listen.Port))
        {
            return ValidateOptionsResult.Fail($"--health-listen '{health}' needs a fixed port other than the --listen port {options.Listen.Port}");
        }

        var quotas = options.Quotas;
        (string Flag, int Value)[] counts =
        [
            ("quota-services", quotas.ServicesPerTenant), ("quota-instances", quotas.InstancesPerTenant),
            ("quota-schemas", quotas.SchemasPerService), ("quota-tags", quotas.TagsPerService),
        ];
        foreach (var (flag, value) in counts)
        {
            if (value <= 0)
            {
                return ValidateOptionsResult.Fail($"--{flag} '{value}' must be a whole number above 0");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
