using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Tests.Validation;

public class InstanceValidatorTests
{
    private static readonly MicroServiceInstance s_minimal = new() { ServiceId = "svc-id", HostName = "host" };

    private static readonly DataCenterInfo s_dataCenter = new() { Name = "dz1", Region = "rg1", AvailableZone = "az1" };

    private static readonly HealthCheck s_push = new() { Mode = "push", Interval = 30, Times = 3 };

    private static void AssertInvalid(MicroServiceInstance i, string field)
    {
        var error = InstanceValidator.Validate(i);
        Assert.NotNull(error);
        Assert.Equal(ErrorCode.InvalidParams, error.ErrorCode);
        Assert.StartsWith($"field '{field}' invalid value '", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Minimal_ReturnsNull() => Assert.Null(InstanceValidator.Validate(s_minimal));

    [Fact]
    public void Validate_Full_ReturnsNull() => Assert.Null(InstanceValidator.Validate(s_minimal with
    {
        InstanceId = "e810f2f3baf711ec9486fa163e176e7b",
        Endpoints = ["rest://[::]:30100/", "highway://10.0.0.1:7070?login=true"],
        Status = "STARTING",
        Properties = new Dictionary<string, string> { ["k"] = "v w" },
        HealthCheck = s_push with { Port = 8080, Url = "/health" },
        DataCenterInfo = s_dataCenter,
    }));

    [Fact]
    public void Validate_EmptyHostName_DetailLikeServiceCenter() =>
        Assert.Equal(
            @"field 'MicroServiceInstance.HostName' invalid value '' does not match rule: {Min: 1, Max: 64, Regexp: \S+}",
            InstanceValidator.Validate(s_minimal with { HostName = "" })?.Detail);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Validate_BlankHostName_ReturnsInvalid(string? hostName) =>
        AssertInvalid(s_minimal with { HostName = hostName }, "MicroServiceInstance.HostName");

    [Theory]
    [InlineData(" a ")] // the regex is unanchored: one non-space character is enough
    [InlineData("my host")]
    [InlineData("etcd03")]
    public void Validate_HostNameWithNonSpace_ReturnsNull(string hostName) =>
        Assert.Null(InstanceValidator.Validate(s_minimal with { HostName = hostName }));

    [Fact]
    public void Validate_HostNameLength_Max64()
    {
        Assert.Null(InstanceValidator.Validate(s_minimal with { HostName = new string('h', 64) }));
        AssertInvalid(s_minimal with { HostName = new string('h', 65) }, "MicroServiceInstance.HostName");
    }

    [Fact]
    public void Validate_NoEndpoints_ReturnsNull()
    {
        Assert.Null(InstanceValidator.Validate(s_minimal with { Endpoints = null }));
        Assert.Null(InstanceValidator.Validate(s_minimal with { Endpoints = [] }));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Validate_BlankEndpoint_ReturnsInvalid(string endpoint) =>
        AssertInvalid(s_minimal with { Endpoints = ["rest://a:1", endpoint] }, "MicroServiceInstance.Endpoints");

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("A-z_0.9")]
    public void Validate_GoodInstanceId_ReturnsNull(string id) => Assert.Null(InstanceValidator.Validate(s_minimal with { InstanceId = id }));

    [Theory]
    [InlineData("a@b")]
    [InlineData("a b")]
    [InlineData("a/b")]
    public void Validate_BadInstanceId_ReturnsInvalid(string id) => AssertInvalid(s_minimal with { InstanceId = id }, "MicroServiceInstance.InstanceId");

    [Fact]
    public void Validate_InstanceIdLongerThan64_ReturnsInvalid() =>
        AssertInvalid(s_minimal with { InstanceId = new string('i', 65) }, "MicroServiceInstance.InstanceId");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Validate_BadServiceId_ReturnsInvalid(string? id) => AssertInvalid(s_minimal with { ServiceId = id }, "MicroServiceInstance.ServiceId");

    [Theory]
    [InlineData("UP")]
    [InlineData("DOWN")]
    [InlineData("STARTING")]
    [InlineData("TESTING")]
    [InlineData("OUTOFSERVICE")]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_GoodStatus_ReturnsNull(string? status) => Assert.Null(InstanceValidator.Validate(s_minimal with { Status = status }));

    [Theory]
    [InlineData("up")]
    [InlineData("UNKNOWN")]
    [InlineData("UP ")]
    public void Validate_BadStatus_ReturnsInvalid(string status) => AssertInvalid(s_minimal with { Status = status }, "MicroServiceInstance.Status");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("PUSH")]
    [InlineData("heartbeat")]
    public void Validate_BadHealthCheckMode_ReturnsInvalid(string? mode) =>
        AssertInvalid(s_minimal with { HealthCheck = s_push with { Mode = mode } }, "HealthCheck.Mode");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(2147483648)]
    public void Validate_BadInterval_ReturnsInvalid(long interval) =>
        AssertInvalid(s_minimal with { HealthCheck = s_push with { Interval = interval } }, "HealthCheck.Interval");

    [Fact]
    public void Validate_IntervalZero_DetailLikeServiceCenter() =>
        Assert.Equal(
            "field 'HealthCheck.Interval' invalid value '0' does not match rule: {Min: 1, Max: 2147483647}",
            InstanceValidator.Validate(s_minimal with { HealthCheck = s_push with { Interval = 0 } })?.Detail);

    [Theory]
    [InlineData(-1)]
    [InlineData(2147483648)]
    public void Validate_BadTimes_ReturnsInvalid(long times) =>
        AssertInvalid(s_minimal with { HealthCheck = s_push with { Times = times } }, "HealthCheck.Times");

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2147483647, 2147483647)]
    public void Validate_BoundaryIntervalAndTimes_ReturnsNull(long interval, long times) =>
        Assert.Null(InstanceValidator.Validate(s_minimal with { HealthCheck = s_push with { Interval = interval, Times = times } }));

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_BadPort_ReturnsInvalid(long port) =>
        AssertInvalid(s_minimal with { HealthCheck = s_push with { Port = port } }, "HealthCheck.Port");

    [Theory]
    [InlineData(0)]
    [InlineData(65535)]
    public void Validate_GoodPort_ReturnsNull(long port) =>
        Assert.Null(InstanceValidator.Validate(s_minimal with { HealthCheck = s_push with { Port = port } }));

    [Fact]
    public void Validate_UrlWithSpace_ReturnsInvalid() =>
        AssertInvalid(s_minimal with { HealthCheck = s_push with { Url = "/a b" } }, "HealthCheck.Url");

    [Fact]
    public void Validate_PullMode_ReturnsNull() =>
        Assert.Null(InstanceValidator.Validate(s_minimal with { HealthCheck = new HealthCheck { Mode = "pull", Interval = 10 } }));

    [Fact]
    public void Validate_EmptyDataCenterInfo_ReturnsInvalidName() =>
        AssertInvalid(s_minimal with { DataCenterInfo = new DataCenterInfo() }, "DataCenterInfo.Name");

    [Fact]
    public void Validate_DataCenterInfoWithoutRegion_ReturnsInvalid() =>
        AssertInvalid(s_minimal with { DataCenterInfo = s_dataCenter with { Region = null } }, "DataCenterInfo.Region");

    [Fact]
    public void Validate_DataCenterInfoWithoutZone_ReturnsInvalid() =>
        AssertInvalid(s_minimal with { DataCenterInfo = s_dataCenter with { AvailableZone = "" } }, "DataCenterInfo.AvailableZone");

    [Theory]
    [InlineData("dz 1")]
    [InlineData("dz:1")]
    public void Validate_BadDataCenterName_ReturnsInvalid(string name) =>
        AssertInvalid(s_minimal with { DataCenterInfo = s_dataCenter with { Name = name } }, "DataCenterInfo.Name");

    [Fact]
    public void Validate_DataCenterNameLength_Max128()
    {
        Assert.Null(InstanceValidator.Validate(s_minimal with { DataCenterInfo = s_dataCenter with { Name = new string('n', 128) } }));
        AssertInvalid(s_minimal with { DataCenterInfo = s_dataCenter with { Name = new string('n', 129) } }, "DataCenterInfo.Name");
    }

    [Fact]
    public void Normalize_NoHealthCheck_DefaultsToPush30x3AndUp()
    {
        var i = InstanceValidator.Normalize(s_minimal);
        Assert.Equal(new HealthCheck { Mode = "push", Interval = 30, Times = 3 }, i.HealthCheck);
        Assert.Equal("UP", i.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), InstanceValidator.TtlOf(i.HealthCheck!));
    }

    [Theory]
    [InlineData(1, 1, 5, 3)]
    [InlineData(30, 2, 30, 3)]
    [InlineData(15, 3, 15, 3)]
    [InlineData(60, 5, 60, 5)]
    [InlineData(4, 0, 5, 3)]
    public void Normalize_Push_ClampsToMinimums(long interval, long times, long expectedInterval, long expectedTimes)
    {
        var h = InstanceValidator.Normalize(s_minimal with { HealthCheck = s_push with { Interval = interval, Times = times } }).HealthCheck;
        Assert.Equal(("push", expectedInterval, expectedTimes), (h?.Mode, h?.Interval, h?.Times));
    }

    [Fact]
    public void Normalize_Pull_Forces30x3()
    {
        var h = InstanceValidator.Normalize(s_minimal with { HealthCheck = new HealthCheck { Mode = "pull", Interval = 10, Times = 9, Port = 81 } }).HealthCheck;
        Assert.Equal(new HealthCheck { Mode = "pull", Interval = 30, Times = 3, Port = 81 }, h);
    }

    [Fact]
    public void Normalize_GivenStatus_KeepsIt() =>
        Assert.Equal("STARTING", InstanceValidator.Normalize(s_minimal with { Status = "STARTING" }).Status);

    [Fact]
    public void Normalize_EmptyOptionalFields_BecomeNull()
    {
        var i = InstanceValidator.Normalize(s_minimal with
        {
            InstanceId = "",
            Endpoints = [],
            Properties = new Dictionary<string, string>(),
            Timestamp = "",
            ModTimestamp = "",
            Version = "",
            HealthCheck = s_push with { Url = "" },
        });
        Assert.Null(i.InstanceId);
        Assert.Null(i.Endpoints);
        Assert.Null(i.Properties);
        Assert.Null(i.Timestamp);
        Assert.Null(i.ModTimestamp);
        Assert.Null(i.Version);
        Assert.Null(i.HealthCheck?.Url);
    }

    [Theory]
    [InlineData(30, 3, 120)]
    [InlineData(15, 3, 60)]
    [InlineData(5, 0, 5)]
    public void TtlOf_HealthCheck_IntervalTimesTimesPlusOne(long interval, long times, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), InstanceValidator.TtlOf(new HealthCheck { Mode = "push", Interval = interval, Times = times }));

    [Fact]
    public void TtlOf_Huge_SaturatesAtMaxValue() =>
        Assert.Equal(TimeSpan.MaxValue, InstanceValidator.TtlOf(new HealthCheck { Interval = int.MaxValue, Times = int.MaxValue }));
}
