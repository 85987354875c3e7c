using Sidecar.Client.Agent;
using Sidecar.Client.Discovery;

namespace Sidecar.Client.Tests.Discovery;

public sealed class EndpointMapperTests
{
    [Theory]
    [InlineData("rest://10.0.0.1:8080", null, "http://10.0.0.1:8080/")]
    [InlineData("rest://10.0.0.1:8080?sslEnabled=true", null, "https://10.0.0.1:8080/")]
    [InlineData("rest://10.0.0.1:8080?protocol=http&sslEnabled=false", null, "http://10.0.0.1:8080/")]
    [InlineData("rest://10.0.0.1:8080/root?SSLENABLED=TRUE", null, "https://10.0.0.1:8080/")]
    [InlineData("http://h1:81", null, "http://h1:81/")]
    [InlineData("https://h1:443", null, "https://h1/")]
    [InlineData("highway://10.0.0.1:7070", "highway", "http://10.0.0.1:7070/")]
    [InlineData("highway://10.0.0.1:7070?sslEnabled=true", "HIGHWAY", "https://10.0.0.1:7070/")]
    public void TryMap_ServiceCenterEndpoint_MapsToCallableUri(string endpoint, string? endpointName, string expected)
    {
        Assert.True(EndpointMapper.TryMap(endpoint, endpointName, out var uri));
        Assert.Equal(expected, uri.ToString());
    }

    [Theory]
    [InlineData("highway://10.0.0.1:7070", null)]
    [InlineData("rest://10.0.0.1:8080", "highway")]
    [InlineData("rest://10.0.0.1", null)]
    [InlineData("not an endpoint", null)]
    public void TryMap_OtherProtocolOrNoPort_Skipped(string endpoint, string? endpointName) =>
        Assert.False(EndpointMapper.TryMap(endpoint, endpointName, out _));

    [Fact]
    public void Map_InstancesOfEveryStatus_KeepsUpOnesWithoutDuplicates()
    {
        AgentInstance[] instances =
        [
            new("i1", "s", "UP", "h1", ["rest://10.0.0.1:8080", "highway://10.0.0.1:7070"]),
            new("i2", "s", "DOWN", "h2", ["rest://10.0.0.2:8080"]),
            new("i3", "s", "STARTING", "h3", ["rest://10.0.0.3:8080"]),
            new("i4", "s", "up", "h4", ["rest://10.0.0.1:8080", "rest://10.0.0.4:8080"]),
        ];

        Assert.Equal(["http://10.0.0.1:8080/", "http://10.0.0.4:8080/"], EndpointMapper.Map(instances, null).Select(u => u.ToString()));
    }

    [Fact]
    public void FilterSchemes_HttpsPlusHttp_PrefersTheFirstSchemeAnyEndpointHas()
    {
        List<Uri> both = [new("http://a:1"), new("https://b:2")];
        List<Uri> httpOnly = [new("http://a:1")];

        Assert.Equal([new Uri("https://b:2")], EndpointMapper.FilterSchemes(both, ["https", "http"], includeAll: false));
        Assert.Equal(httpOnly, EndpointMapper.FilterSchemes(httpOnly, ["https", "http"], includeAll: false));
        Assert.Empty(EndpointMapper.FilterSchemes(httpOnly, ["https"], includeAll: false));
        Assert.Equal(both, EndpointMapper.FilterSchemes(both, [], includeAll: true));
    }
}
