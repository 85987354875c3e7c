namespace Sidecar.Agent.Storage;

/// <summary>The data dir cannot be used; the message says how to fix it.</summary>
internal sealed class StorageException(string message) : Exception(message);
