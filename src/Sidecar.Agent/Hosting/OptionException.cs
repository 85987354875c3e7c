namespace Sidecar.Agent.Hosting;

/// <summary>A bad flag or setting; its message is the one line printed before exiting with code 2.</summary>
internal sealed class OptionException(string message) : Exception(message);
