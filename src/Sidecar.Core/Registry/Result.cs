namespace Sidecar.Registry;

/// <summary>A value, or the Service-Center error that explains why there is none.</summary>
public readonly record struct Result<T>(T? Value, ScError? Error)
{
    public bool Ok => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(ScError error) => new(default, error);
}
