using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Tests.Hosting;

/// <summary>The parsed settings reach the host as <c>IOptions&lt;AgentOptions&gt;</c>, validated at start before the data dir is opened.</summary>
public sealed class AgentOptionsValidationTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sidecar-options-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private AgentOptions Valid => new() { Listen = new IPEndPoint(IPAddress.Loopback, 0), DataDir = _dataDir, NodeName = "options-node" };

    public static TheoryData<string, string> Refused => new()
    {
        { "tombstone-retention", "--tombstone-retention '179s' must be at least 180 seconds" },
        { "health-listen", "--health-listen '127.0.0.1:30100' needs a fixed port other than the --listen port 30100" },
        { "quota-tags", "--quota-tags '0' must be a whole number above 0" },
        { "data-dir", "--data-dir must not be empty" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Build_RefusedSetting_ThrowsNamingTheFlag_BeforeTheDataDirExists(string flag, string message)
    {
        var options = flag switch
        {
            "tombstone-retention" => Valid with { TombstoneRetention = TimeSpan.FromSeconds(179) },
            "health-listen" => Valid with { Listen = new IPEndPoint(IPAddress.Loopback, 30100), HealthListen = new IPEndPoint(IPAddress.Loopback, 30100) },
            "quota-tags" => Valid with { Quotas = Registry.RegistryQuotas.Default with { TagsPerService = 0 } },
            _ => Valid with { DataDir = " " },
        };

        var error = Assert.Throws<OptionsValidationException>(() => AgentHost.Build(options));

        Assert.StartsWith(message, Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dataDir), "the data dir must not be opened for refused settings");
    }

    [Fact]
    public async Task Build_ValidSettings_ServedAsIOptionsValidatedOnStart()
    {
        var options = Valid;
        await using var app = AgentHost.Build(options);

        Assert.Same(options, app.Services.GetRequiredService<IOptions<AgentOptions>>().Value);
        Assert.Same(options, app.Services.GetRequiredService<AgentOptions>());
        Assert.Contains(app.Services.GetServices<IValidateOptions<AgentOptions>>(), v => v is AgentOptionsValidator);
        // ValidateOnStart: the host's startup validator checks AgentOptions.
        Assert.NotNull(app.Services.GetService<IStartupValidator>());
    }
}
