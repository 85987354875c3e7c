namespace Sidecar.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder_Value_IsOne() => Assert.Equal(1, Sidecar.Registry.Placeholder.Value);
}
