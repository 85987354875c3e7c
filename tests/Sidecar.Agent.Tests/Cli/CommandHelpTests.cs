using System.Text.RegularExpressions;
using Sidecar.Agent.Cli;
using Sidecar.Cli;
using Sidecar.Kubernetes.Cli;

namespace Sidecar.Agent.Tests.Cli;

/// <summary>Every command's <c>--help</c>, <c>--version</c>, typos and bad values, through the real executable.</summary>
public sealed class CommandHelpTests
{
    /// <summary>The registered flag list of each command: help is checked against it, so the two cannot drift.</summary>
    public static TheoryData<string> Commands => ["agent", "injector", "inject", "status", "members"];

    private static Flag[] FlagsOf(string command) => command switch
    {
        "agent" => AgentFlags.All,
        "injector" => Kubernetes.Cli.InjectorCommand.Flags,
        "inject" => Kubernetes.Cli.InjectCommand.Flags,
        _ => ClientFlags.All,
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_OfEveryCommand_ListsEveryFlagWithItsDefaultAndEnvName(string command)
    {
        var (exitCode, stdout, stderr) = await SidecarCli.RunAsync(command, "--help");

        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr);
        Assert.Contains($"sidecar {command} [options]", stdout, StringComparison.Ordinal);
        var flags = FlagsOf(command);
        Assert.NotEmpty(flags);
        // Help wraps long descriptions: compare with whitespace collapsed.
        var text = Regex.Replace(stdout, @"\s+", " ");
        foreach (var flag in flags)
        {
            Assert.Contains(" --" + flag.Name + " ", text, StringComparison.Ordinal);
            Assert.Contains($"[default: {flag.Default ?? "none"}] [env: {flag.EnvName}]", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommand()
    {
        var (exitCode, stdout, _) = await SidecarCli.RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "agent", "injector", "inject", "status", "members", "--version" })
        {
            Assert.Contains(command, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_PrintsOneLineAndExits0()
    {
        var (exitCode, stdout, _) = await SidecarCli.RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^sidecar \d+\.\d+\.\d+\S*\n$", stdout);
    }

    [Theory]
    [InlineData("agent", "--lisen", "--listen")]
    [InlineData("agent", "--data-dri", "--data-dir")]
    [InlineData("injector", "--imgae", "--image")]
    [InlineData("inject", "--native-sidcar", "--native-sidecar")]
    [InlineData("status", "--agnet", "--agent")]
    public async Task Typo_Exit2WithOneLineSuggestingTheFlag(string command, string typo, string suggestion)
    {
        var (exitCode, stdout, stderr) = await SidecarCli.RunAsync(command, typo, "x");

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"unknown flag {typo}", line, StringComparison.Ordinal);
        Assert.Contains($"did you mean {suggestion}?", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exit2SuggestingTheCommand()
    {
        var (exitCode, _, stderr) = await SidecarCli.RunAsync("stauts");

        Assert.Equal(2, exitCode);
        Assert.Contains("did you mean 'status'?", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--listen", "127.0.0.1")]
    [InlineData("--sync-interval", "soon")]
    [InlineData("--log-format", "xml")]
    [InlineData("--log-level", "loud")]
    [InlineData("--tombstone-retention", "1m")]
    [InlineData("--health-listen", "127.0.0.1:30100")]
    public async Task Agent_BadValue_Exit2WithOneLineNamingTheFlag(string flag, string value)
    {
        var (exitCode, stdout, stderr) = await SidecarCli.RunAsync("agent", flag, value);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains(flag, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("injector", "--log-level", "loud")]
    [InlineData("injector", "--listen", "0.0.0.0")]
    [InlineData("status", "--format", "yaml")]
    [InlineData("members", "--agent", "ftp://x")]
    public async Task OtherCommands_BadValue_Exit2WithOneLineNamingTheFlag(string command, string flag, string value)
    {
        var (exitCode, _, stderr) = await SidecarCli.RunAsync(command, flag, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(flag, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadValueFromTheEnvironment_Exit2NamingTheFlag()
    {
        var (exitCode, _, stderr) = await SidecarCli.RunAsync(new Dictionary<string, string> { ["SIDECAR_LOG_FORMAT"] = "xml" }, "agent");

        Assert.Equal(2, exitCode);
        Assert.Contains("--log-format 'xml'", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent", "--data-dir")]
    [InlineData("inject", "--image")]
    public async Task DuplicateFlag_Exit2OnEveryCommand(string command, string flag)
    {
        var (exitCode, _, stderr) = await SidecarCli.RunAsync(command, flag, "a", flag, "b");

        Assert.Equal(2, exitCode);
        Assert.Contains($"flag {flag} is given twice", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
