using Sidecar.Agent.AutoRegistration;
using Sidecar.Agent.Hosting;

namespace Sidecar.Agent.Tests.AutoRegistration;

public sealed class AutoRegistrationEnvironmentTests
{
    [Fact]
    public void Read_NoAppPort_ReturnsNull() =>
        Assert.Null(AutoRegistrationEnvironment.Read(Env(("SIDECAR_SERVICE_NAME", "shop"))));

    [Fact]
    public void Read_InjectedEnv_BuildsServiceAndInstance()
    {
        var options = AutoRegistrationEnvironment.Read(Env(
            ("SIDECAR_APP_PORT", "8080"), ("SIDECAR_SERVICE_NAME", "shop"), ("SIDECAR_APP_ID", "demo"), ("SIDECAR_VERSION", "1.0.0"),
            ("SIDECAR_ENVIRONMENT", "production"), ("SIDECAR_APP_PROTOCOL", "highway"), ("POD_UID", "AB-cd-12"),
            ("POD_IP", "10.1.2.3"), ("POD_NAME", "shop-1"), ("POD_NAMESPACE", "ns"), ("NODE_NAME", "n1"),
            ("SIDECAR_APP_PROBE_INTERVAL", "250ms"), ("SIDECAR_APP_DRAIN_DELAY", "2s")))!;

        Assert.Equal(("demo", "shop", "1.0.0", "production", "SIDECAR"), (options.Service.AppId, options.Service.ServiceName, options.Service.Version, options.Service.Environment, options.Service.RegisterBy));
        Assert.Equal("abcd12", options.Instance.InstanceId);
        Assert.Equal(["highway://10.1.2.3:8080"], options.Instance.Endpoints);
        Assert.Equal("shop-1", options.Instance.HostName);
        Assert.Equal("n1", options.Instance.Properties!["nodeName"]);
        Assert.Equal("10.1.2.3", options.ProbeHost);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.DrainDelay);
        Assert.True(options.RenewInterval < Sidecar.Validation.InstanceValidator.TtlOf(options.Instance.HealthCheck!) / 2);
    }

    [Fact]
    public void Read_NoPodEnv_DefaultsAndStableInstanceId()
    {
        var env = Env(("SIDECAR_APP_PORT", "8080"), ("SIDECAR_SERVICE_NAME", "shop"));
        var first = AutoRegistrationEnvironment.Read(env)!;

        Assert.Equal("default", first.Service.AppId);
        Assert.Equal("0.0.1", first.Service.Version);
        Assert.Equal("127.0.0.1", first.ProbeHost);
        Assert.Matches("^[0-9a-f]{32}$", first.Instance.InstanceId);
        Assert.Equal(first.Instance.InstanceId, AutoRegistrationEnvironment.Read(env)!.Instance.InstanceId);
    }

    [Fact]
    public void Read_Ipv6PodIp_BracketsEndpointHost() =>
        Assert.Equal(["rest://[fd00::1]:80"], AutoRegistrationEnvironment.Read(Env(("SIDECAR_APP_PORT", "80"), ("SIDECAR_SERVICE_NAME", "s"), ("POD_IP", "fd00::1")))!.Instance.Endpoints);

    [Theory]
    [InlineData("SIDECAR_APP_PORT", "http")]
    [InlineData("SIDECAR_APP_PORT", "70000")]
    [InlineData("POD_IP", "not-an-ip")]
    [InlineData("SIDECAR_APP_PROBE_INTERVAL", "soon")]
    [InlineData("SIDECAR_APP_FAILURE_THRESHOLD", "0")]
    [InlineData("SIDECAR_APP_PROTOCOL", "re st")]
    public void Read_MalformedValue_ThrowsNamingTheVariable(string name, string value)
    {
        var env = new Dictionary<string, string> { ["SIDECAR_APP_PORT"] = "8080", ["SIDECAR_SERVICE_NAME"] = "shop", [name] = value };

        var error = Assert.Throws<OptionException>(() => AutoRegistrationEnvironment.Read(n => env.GetValueOrDefault(n)));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PortWithoutServiceName_ThrowsNamingTheVariable() =>
        Assert.Contains("SIDECAR_SERVICE_NAME", Assert.Throws<OptionException>(() => AutoRegistrationEnvironment.Read(Env(("SIDECAR_APP_PORT", "80")))).Message, StringComparison.Ordinal);

    private static Func<string, string?> Env(params (string Name, string Value)[] pairs) =>
        name => pairs.FirstOrDefault(p => p.Name == name).Value;
}
