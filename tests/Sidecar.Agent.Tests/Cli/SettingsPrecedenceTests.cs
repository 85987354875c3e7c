using Microsoft.Extensions.Configuration;
using Sidecar.Cli;

namespace Sidecar.Agent.Tests.Cli;

/// <summary>Every command reads its settings through <see cref="Settings"/>: flag, then SIDECAR_* env, then appsettings.</summary>
public sealed class SettingsPrecedenceTests
{
    private static readonly IConfiguration s_file = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Sidecar:listen"] = "127.0.0.1:1", ["Sidecar:data-dir"] = "/file", ["Sidecar:cluster-name"] = "file" })
        .Build();

    private static readonly Dictionary<string, string> s_env = new() { ["SIDECAR_LISTEN"] = "127.0.0.1:2", ["SIDECAR_DATA_DIR"] = "/env" };

    [Fact]
    public void Get_FlagBeatsEnvBeatsFile()
    {
        var settings = new Settings(new Dictionary<string, string> { ["listen"] = "127.0.0.1:3" }, s_env.GetValueOrDefault, s_file);

        Assert.Equal("127.0.0.1:3", settings.Get("listen"));
        Assert.Equal("/env", settings.Get("data-dir"));
        Assert.Equal("file", settings.Get("cluster-name"));
        Assert.Null(settings.Get("node-name"));
    }

    [Fact]
    public void Get_EmptyValueCountsAsUnset()
    {
        var settings = new Settings(new Dictionary<string, string>(), new Dictionary<string, string> { ["SIDECAR_DATA_DIR"] = "" }.GetValueOrDefault, s_file);

        Assert.Equal("/file", settings.Get("data-dir"));
    }

    [Fact]
    public void ParseAgent_FileValuesApplyAndFlagsOverrideThem()
    {
        var fromFile = global::Sidecar.Agent.Hosting.CommandLine.ParseAgent([], s_file);
        var fromFlag = global::Sidecar.Agent.Hosting.CommandLine.ParseAgent(["--cluster-name", "flag"], s_file);

        Assert.Equal(1, fromFile.Listen.Port);
        Assert.Equal("file", fromFile.ClusterName);
        Assert.Equal("flag", fromFlag.ClusterName);
    }

    [Theory]
    [InlineData("json", "debug", true, Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData("TEXT", "warn", false, Microsoft.Extensions.Logging.LogLevel.Warning)]
    [InlineData(null, null, false, null)]
    public void LogSettings_ParseFormatsAndLevels(string? format, string? level, bool json, Microsoft.Extensions.Logging.LogLevel? expected)
    {
        var values = new Dictionary<string, string?> { ["log-format"] = format, ["log-level"] = level };

        var settings = LogSettings.Parse(values.GetValueOrDefault, out var error);

        Assert.Null(error);
        Assert.Equal(new LogSettings(json, expected), settings);
    }
}
