namespace Sidecar.Registry;

internal static class Placeholder
{
    public const int Value = 1;
}
