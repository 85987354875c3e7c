using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Tests.Validation;

public class ServiceValidatorTests
{
    private static MicroService Valid(MicroService s) => ServiceValidator.Normalize(s);

    private static MicroService Minimal => new() { ServiceName = "svc" };

    private static void AssertInvalid(MicroService s, string field)
    {
        var error = ServiceValidator.Validate(ServiceValidator.Normalize(s));
        Assert.NotNull(error);
        Assert.Equal(ErrorCode.InvalidParams, error.ErrorCode);
        Assert.Equal(400, error.HttpStatus);
        Assert.StartsWith($"field '{field}' invalid value '", error.Detail, StringComparison.Ordinal);
    }

    private static void AssertValid(MicroService s) => Assert.Null(ServiceValidator.Validate(ServiceValidator.Normalize(s)));

    [Fact]
    public void Normalize_EmptyFields_AppliesServiceCenterDefaults()
    {
        var s = ServiceValidator.Normalize(new MicroService { ServiceName = "svc", AppId = "", Version = "", Level = "", Status = "" });
        Assert.Equal("default", s.AppId);
        Assert.Equal("0.0.1", s.Version);
        Assert.Equal("BACK", s.Level);
        Assert.Equal("UP", s.Status);
        Assert.Null(s.Environment);
    }

    [Fact]
    public void Normalize_AbsentFields_AppliesServiceCenterDefaults()
    {
        var s = ServiceValidator.Normalize(Minimal);
        Assert.Equal(("default", "0.0.1", "BACK", "UP"), (s.AppId, s.Version, s.Level, s.Status));
    }

    [Fact]
    public void Normalize_GivenValues_KeepsThem()
    {
        var s = ServiceValidator.Normalize(Minimal with { AppId = "app", Version = "1.0", Level = "FRONT", Status = "DOWN", Environment = "development" });
        Assert.Equal(("app", "1.0", "FRONT", "DOWN", "development"), (s.AppId, s.Version, s.Level, s.Status, s.Environment));
    }

    [Fact]
    public void Normalize_EmptyOptionalFields_BecomeNull()
    {
        var s = ServiceValidator.Normalize(Minimal with
        {
            ServiceId = "",
            Description = "",
            Schemas = [],
            Paths = [],
            Properties = new Dictionary<string, string>(),
            Providers = [],
            Alias = "",
            LBStrategy = new Dictionary<string, string>(),
            Environment = "",
            RegisterBy = "",
            Framework = new FrameworkInfo { Name = "", Version = "" },
            Timestamp = "",
            ModTimestamp = "",
        });
        Assert.Null(s.ServiceId);
        Assert.Null(s.Description);
        Assert.Null(s.Schemas);
        Assert.Null(s.Paths);
        Assert.Null(s.Properties);
        Assert.Null(s.Providers);
        Assert.Null(s.Alias);
        Assert.Null(s.LBStrategy);
        Assert.Null(s.Environment);
        Assert.Null(s.RegisterBy);
        Assert.Null(s.Framework);
        Assert.Null(s.Timestamp);
        Assert.Null(s.ModTimestamp);
    }

    [Fact]
    public void Normalize_FrameworkWithNameOnly_NullsEmptyVersion()
    {
        var s = ServiceValidator.Normalize(Minimal with { Framework = new FrameworkInfo { Name = "go-chassis", Version = "" } });
        Assert.Equal(new FrameworkInfo { Name = "go-chassis" }, s.Framework);
    }

    [Fact]
    public void Validate_MinimalNormalized_ReturnsNull() => Assert.Null(ServiceValidator.Validate(Valid(Minimal)));

    [Fact]
    public void Validate_FullService_ReturnsNull() => AssertValid(new MicroService
    {
        ServiceId = "7062417bf9ebd4c646bb23059003cea42180894a",
        AppId = "my-app",
        ServiceName = "order.service_v2",
        Version = "1.2.3.4",
        Description = "orders",
        Level = "MIDDLE",
        Schemas = ["hello", "a.b-c_d"],
        Paths = [new ServicePath { Path = "/orders/{id}?x=1&y=%20#frag~@" }],
        Status = "DOWN",
        Properties = new Dictionary<string, string> { ["allowCrossApp"] = "true" },
        Alias = "my-app:order.service_v2",
        Environment = "production",
        RegisterBy = "SDK",
        Framework = new FrameworkInfo { Name = "go-chassis", Version = "v2.1.0 beta" },
    });

    [Fact]
    public void Validate_EmptyServiceName_DetailLikeServiceCenter()
    {
        var error = ServiceValidator.Validate(Valid(new MicroService()));
        Assert.Equal(
            @"field 'MicroService.ServiceName' invalid value '' does not match rule: {Min: 1, Max: 128, Regexp: ^[a-zA-Z0-9]*$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]$}",
            error?.Detail);
        Assert.Equal("Invalid parameter(s)", error?.ErrorMessage);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A1")]
    [InlineData("a-b_c.d")]
    [InlineData("SERVICECENTER")]
    public void Validate_GoodServiceName_ReturnsNull(string name) => AssertValid(new MicroService { ServiceName = name });

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("a@b")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("a.")]
    [InlineData("svc\n")]
    public void Validate_BadServiceName_ReturnsInvalid(string name) => AssertInvalid(new MicroService { ServiceName = name }, "MicroService.ServiceName");

    [Fact]
    public void Validate_ServiceNameLength_Max128()
    {
        AssertValid(new MicroService { ServiceName = new string('a', 128) });
        AssertInvalid(new MicroService { ServiceName = new string('a', 129) }, "MicroService.ServiceName");
    }

    [Fact]
    public void Validate_AppIdLength_Max160()
    {
        AssertValid(Minimal with { AppId = new string('a', 160) });
        AssertInvalid(Minimal with { AppId = new string('a', 161) }, "MicroService.AppId");
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("app:x")]
    [InlineData("_app")]
    public void Validate_BadAppId_ReturnsInvalid(string appId) => AssertInvalid(Minimal with { AppId = appId }, "MicroService.AppId");

    [Theory]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("1.0.0")]
    [InlineData("32767.32767.32767.32767")]
    public void Validate_GoodVersion_ReturnsNull(string version) => AssertValid(Minimal with { Version = version });

    [Theory]
    [InlineData("1.")]
    [InlineData("1.a.0")]
    [InlineData("1.32768.0")]
    [InlineData("1.1.0.0.0")]
    [InlineData("latest")]
    [InlineData("1.0.0+")]
    [InlineData("v1.0")]
    [InlineData("1.0.0\n")]
    public void Validate_BadVersion_ReturnsInvalid(string version) => AssertInvalid(Minimal with { Version = version }, "MicroService.Version");

    [Fact]
    public void Validate_BadVersion_DetailQuotesServiceCenterRule() =>
        Assert.Equal(
            "field 'MicroService.Version' invalid value '1.' does not match rule: {Max: 64, Regexp: the form x[.y[.z]] where x y and z are 0-32767 range}",
            ServiceValidator.Validate(Valid(Minimal with { Version = "1." }))?.Detail);

    [Fact]
    public void Validate_VersionLongerThan64_ReturnsInvalid() =>
        AssertInvalid(Minimal with { Version = "1." + new string('0', 63) }, "MicroService.Version");

    [Theory]
    [InlineData("development")]
    [InlineData("testing")]
    [InlineData("acceptance")]
    [InlineData("production")]
    [InlineData("")]
    public void Validate_GoodEnvironment_ReturnsNull(string env) => AssertValid(Minimal with { Environment = env });

    [Theory]
    [InlineData("dev")]
    [InlineData("Production")]
    [InlineData("prod")]
    public void Validate_BadEnvironment_ReturnsInvalid(string env) => AssertInvalid(Minimal with { Environment = env }, "MicroService.Environment");

    [Theory]
    [InlineData(" ")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    public void Validate_ServiceIdWithSpace_ReturnsInvalid(string id) => AssertInvalid(Minimal with { ServiceId = id }, "MicroService.ServiceId");

    [Fact]
    public void Validate_ServiceIdLength_Max64()
    {
        AssertValid(Minimal with { ServiceId = new string('a', 64) });
        AssertInvalid(Minimal with { ServiceId = new string('a', 65) }, "MicroService.ServiceId");
    }

    [Theory]
    [InlineData("TOP")]
    [InlineData("back")]
    public void Validate_BadLevel_ReturnsInvalid(string level) => AssertInvalid(Minimal with { Level = level }, "MicroService.Level");

    [Theory]
    [InlineData("STARTING")]
    [InlineData("up")]
    public void Validate_BadStatus_ReturnsInvalid(string status) => AssertInvalid(Minimal with { Status = status }, "MicroService.Status");

    [Fact]
    public void Validate_DescriptionRunes_Max256()
    {
        AssertValid(Minimal with { Description = string.Concat(Enumerable.Repeat("😀", 256)) });
        AssertInvalid(Minimal with { Description = new string('d', 257) }, "MicroService.Description");
    }

    [Theory]
    [InlineData("app:svc")]
    [InlineData("a_b-c.d")]
    public void Validate_GoodAlias_ReturnsNull(string alias) => AssertValid(Minimal with { Alias = alias });

    [Theory]
    [InlineData("a b")]
    [InlineData("a/b")]
    public void Validate_BadAlias_ReturnsInvalid(string alias) => AssertInvalid(Minimal with { Alias = alias }, "MicroService.Alias");

    [Fact]
    public void Validate_AliasLength_Max128() => AssertInvalid(Minimal with { Alias = new string('a', 129) }, "MicroService.Alias");

    [Theory]
    [InlineData("SDK")]
    [InlineData("SIDECAR")]
    [InlineData("PLATFORM")]
    public void Validate_GoodRegisterBy_ReturnsNull(string by) => AssertValid(Minimal with { RegisterBy = by });

    [Theory]
    [InlineData("sdk")]
    [InlineData("OTHER")]
    public void Validate_BadRegisterBy_ReturnsInvalid(string by) => AssertInvalid(Minimal with { RegisterBy = by }, "MicroService.RegisterBy");

    [Fact]
    public void Validate_BadFrameworkName_ReturnsInvalid() =>
        AssertInvalid(Minimal with { Framework = new FrameworkInfo { Name = "go chassis" } }, "FrameWork.Name");

    [Fact]
    public void Validate_FrameworkVersionLongerThan64_ReturnsInvalid() =>
        AssertInvalid(Minimal with { Framework = new FrameworkInfo { Name = "java", Version = new string('1', 65) } }, "FrameWork.Version");

    [Theory]
    [InlineData("schema 1")]
    [InlineData("-schema")]
    [InlineData("schema.")]
    [InlineData("")]
    public void Validate_BadSchemaId_ReturnsInvalid(string schemaId) =>
        AssertInvalid(Minimal with { Schemas = ["ok", schemaId] }, "MicroService.Schemas");

    [Fact]
    public void Validate_SchemaCount_Max100()
    {
        AssertValid(Minimal with { Schemas = [.. Enumerable.Range(0, 100).Select(i => $"s{i}")] });
        AssertInvalid(Minimal with { Schemas = [.. Enumerable.Range(0, 101).Select(i => $"s{i}")] }, "MicroService.Schemas");
    }

    [Theory]
    [InlineData("/a b")]
    [InlineData("/a|b")]
    [InlineData("/ü")]
    public void Validate_BadPath_ReturnsInvalid(string path) =>
        AssertInvalid(Minimal with { Paths = [new ServicePath { Path = path }] }, "ServicePath.Path");

    [Fact]
    public void Validate_NotNormalized_EmptyLevelIsInvalid() =>
        Assert.NotNull(ServiceValidator.Validate(new MicroService { ServiceName = "svc", AppId = "a", Version = "1" }));
}
