namespace Sidecar.Kubernetes.Source;

/// <summary>The object-carrying types of a watch stream (BOOKMARK and ERROR are handled by the watcher itself).</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}
