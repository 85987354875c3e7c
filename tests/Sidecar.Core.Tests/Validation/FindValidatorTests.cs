using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Tests.Validation;

public class FindValidatorTests
{
    [Theory]
    [InlineData("default", "svc", null, null, null)]
    [InlineData("app", "app:svc", "production", "a,b", "7062417bf9ebd4c646bb23059003cea42180894a")]
    [InlineData("a", "a:b:c", "", "", "")]
    public void Validate_Good_ReturnsNull(string appId, string serviceName, string? env, string? tags, string? consumerId) =>
        Assert.Null(FindValidator.Validate(appId, serviceName, env, tags, consumerId));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a:b")]
    public void Validate_BadAppId_ReturnsInvalid(string? appId) =>
        Assert.StartsWith("field 'FindInstancesRequest.AppId'", FindValidator.Validate(appId, "svc", null, null, null)?.Detail, StringComparison.Ordinal);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(":svc")]
    [InlineData("a b")]
    public void Validate_BadServiceName_ReturnsInvalid(string? serviceName) =>
        Assert.StartsWith("field 'FindInstancesRequest.ServiceName'", FindValidator.Validate("app", serviceName, null, null, null)?.Detail, StringComparison.Ordinal);

    [Fact]
    public void Validate_ServiceNameLength_Max289()
    {
        Assert.Null(FindValidator.Validate("app", new string('s', 289), null, null, null));
        Assert.NotNull(FindValidator.Validate("app", new string('s', 290), null, null, null));
    }

    [Fact]
    public void Validate_AppIdLength_Max160()
    {
        Assert.Null(FindValidator.Validate(new string('a', 160), "svc", null, null, null));
        Assert.NotNull(FindValidator.Validate(new string('a', 161), "svc", null, null, null));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("PRODUCTION")]
    public void Validate_BadEnvironment_ReturnsInvalid(string env) =>
        Assert.StartsWith("field 'FindInstancesRequest.Environment'", FindValidator.Validate("app", "svc", env, null, null)?.Detail, StringComparison.Ordinal);

    [Theory]
    [InlineData("1a")]
    [InlineData("a,b c")]
    public void Validate_BadTag_ReturnsInvalid(string tags) =>
        Assert.StartsWith("field 'FindInstancesRequest.Tags'", FindValidator.Validate("app", "svc", null, tags, null)?.Detail, StringComparison.Ordinal);

    [Theory]
    [InlineData(" ")]
    [InlineData("a b")]
    public void Validate_BadConsumerId_ReturnsInvalid(string consumerId) =>
        Assert.Equal(ErrorCode.InvalidParams, FindValidator.Validate("app", "svc", null, null, consumerId)?.ErrorCode);

    [Fact]
    public void Validate_ConsumerIdLongerThan64_ReturnsInvalid() =>
        Assert.NotNull(FindValidator.Validate("app", "svc", null, null, new string('c', 65)));

    [Theory]
    [InlineData("1")]
    [InlineData("1.0.0")]
    [InlineData("32767.32767.32767.32767")]
    public void ValidateExistence_StrictVersion_ReturnsNull(string version) =>
        Assert.Null(FindValidator.ValidateExistence("app", "svc", version, null));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("0.0.0+")]
    [InlineData("0+")]
    [InlineData("0.0.0-1.0.0")]
    [InlineData("1.32768")]
    [InlineData("1.")]
    public void ValidateExistence_NotStrictVersion_ReturnsInvalid(string? version) =>
        Assert.StartsWith("field 'GetExistenceRequest.Version'", FindValidator.ValidateExistence("app", "svc", version, null)?.Detail, StringComparison.Ordinal);

    [Fact]
    public void ValidateExistence_AliasAndEnvironment_ReturnsNull() =>
        Assert.Null(FindValidator.ValidateExistence("app", "app:svc", "1.0.0", "testing"));

    [Fact]
    public void ValidateExistence_BadAppId_ReturnsInvalid() =>
        Assert.NotNull(FindValidator.ValidateExistence("", "svc", "1.0.0", null));
}
