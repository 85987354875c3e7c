namespace Sidecar.Registry;

/// <summary>The result of an operation that answers nothing but success (Service-Center's empty 200).</summary>
public readonly record struct Unit
{
    public static Unit Value => default;
}
