using Sidecar.Registry;

namespace Sidecar.Tests.Registry;

public class ServiceIdsTests
{
    // Expected values computed independently:
    //   printf '%s' '/cse-sr/ms/indexes/default/default//app/svc/1.0.0' | sha1sum
    //   printf '%s' '/cse-sr/ms/indexes/default/default/production/default/SERVICECENTER/2.1.0' | sha1sum
    [Fact]
    public void ForService_KnownKeyWithoutEnvironment_ReturnsServiceCenterSha1() =>
        Assert.Equal("cbbf0621a10897f321effe10b69277aee81fd276", ServiceIds.ForService("default", "default", null, "app", "svc", "1.0.0"));

    [Fact]
    public void ForService_KnownKeyWithEnvironment_ReturnsServiceCenterSha1() =>
        Assert.Equal("79c0721cb42efffdd37fb0d3d7faefa328a1f104", ServiceIds.ForService("default", "default", "production", "default", "SERVICECENTER", "2.1.0"));

    [Fact]
    public void ForService_NullOrEmptyEnvironment_SameId() =>
        Assert.Equal(ServiceIds.ForService("d", "p", null, "a", "s", "1"), ServiceIds.ForService("d", "p", "", "a", "s", "1"));

    [Fact]
    public void ForService_DifferentVersion_DifferentId() =>
        Assert.NotEqual(ServiceIds.ForService("d", "p", null, "a", "s", "1.0.0"), ServiceIds.ForService("d", "p", null, "a", "s", "1.0.1"));

    [Fact]
    public void ForService_AnyInput_Returns40LowercaseHex() =>
        Assert.Matches("^[0-9a-f]{40}$", ServiceIds.ForService("d", "p", "testing", "a", "s", "1"));

    [Fact]
    public void NewInstanceId_Called_Returns32LowercaseHexAndIsUnique()
    {
        var first = ServiceIds.NewInstanceId();
        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.NotEqual(first, ServiceIds.NewInstanceId());
    }
}
