using System.Diagnostics;

namespace Sidecar.Tests.Shared;

/// <summary>
/// How the process-level tests start <c>sidecar</c>: the JIT build (<c>dotnet sidecar.dll</c>) by default, or the
/// executable named by <c>SIDECAR_AGENT_EXE</c> (the Native AOT publish), so one suite checks either build.
/// </summary>
internal static class AgentExecutable
{
    public const string Variable = "SIDECAR_AGENT_EXE";

    /// <summary>The native executable under test, or null for the JIT build.</summary>
    public static string? Native => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } exe ? Path.GetFullPath(exe) : null;

    /// <summary>A start info that runs <c>sidecar</c> with <paramref name="args"/>; <paramref name="dll"/> is the JIT build's sidecar.dll.</summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args)
    {
        var native = Native;
        var info = new ProcessStartInfo(native ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (native is null)
        {
            info.ArgumentList.Add(dll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The variable names the executable for this test run; the agent itself must not see it.
        info.Environment.Remove(Variable);
        return info;
    }
}
