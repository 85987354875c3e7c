using Microsoft.Extensions.Configuration;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Tests.Hosting;

/// <summary>Tombstones must outlive gossip's replay window, so a shorter retention is refused at startup.</summary>
public sealed class TombstoneRetentionFlagTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("ten")]
    public void ParseAgent_RetentionMalformed_FailsNamingTheFlag(string value)
    {
        var error = Assert.Throws<OptionException>(() => CommandLine.ParseAgent(["--tombstone-retention", value], new ConfigurationBuilder().Build()));

        Assert.Contains("--tombstone-retention", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("179")]
    [InlineData("2m")]
    public void Validate_RetentionBelowTheReplayWindow_FailsNamingTheFlag(string value)
    {
        var options = CommandLine.ParseAgent(["--tombstone-retention", value], new ConfigurationBuilder().Build());

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith("--tombstone-retention", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseAgent_RetentionOfThreeMinutes_IsTaken()
    {
        var options = CommandLine.ParseAgent(["--tombstone-retention", "180"], new ConfigurationBuilder().Build());

        Assert.Equal(TimeSpan.FromMinutes(3), options.TombstoneRetention);
        Assert.True(new AgentOptionsValidator().Validate(null, options).Succeeded);
    }
}
