using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Tests.Validation;

public class IdValidatorTests
{
    [Theory]
    [InlineData("7062417bf9ebd4c646bb23059003cea42180894a")]
    [InlineData("a")]
    [InlineData("any@thing!")]
    public void ValidateServiceId_Good_ReturnsNull(string id) => Assert.Null(IdValidator.ValidateServiceId(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a b")]
    public void ValidateServiceId_Bad_ReturnsInvalidParams(string? id) =>
        Assert.Equal(ErrorCode.InvalidParams, IdValidator.ValidateServiceId(id)?.ErrorCode);

    [Fact]
    public void ValidateServiceId_Length_Max64()
    {
        Assert.Null(IdValidator.ValidateServiceId(new string('a', 64)));
        Assert.NotNull(IdValidator.ValidateServiceId(new string('a', 65)));
    }

    [Fact]
    public void ValidateServiceId_Space_DetailNamesFieldAndValue() =>
        Assert.Equal(
            @"field 'MicroService.ServiceId' invalid value ' ' does not match rule: {Min: 1, Max: 64, Regexp: ^\S*$}",
            IdValidator.ValidateServiceId(" ")?.Detail);

    [Theory]
    [InlineData("e810f2f3baf711ec9486fa163e176e7b")]
    [InlineData("a-b_c.d")]
    public void ValidateInstanceId_Good_ReturnsNull(string id) => Assert.Null(IdValidator.ValidateInstanceId(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a@b")]
    [InlineData("a b")]
    public void ValidateInstanceId_Bad_ReturnsInvalidParams(string? id) =>
        Assert.Equal(ErrorCode.InvalidParams, IdValidator.ValidateInstanceId(id)?.ErrorCode);

    [Fact]
    public void ValidateInstanceId_LongerThan64_ReturnsInvalid() => Assert.NotNull(IdValidator.ValidateInstanceId(new string('i', 65)));

    [Theory]
    [InlineData("UP")]
    [InlineData("DOWN")]
    [InlineData("STARTING")]
    [InlineData("TESTING")]
    [InlineData("OUTOFSERVICE")]
    public void ValidateStatus_Known_ReturnsNull(string status) => Assert.Null(IdValidator.ValidateStatus(status));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("up")]
    [InlineData("UNKNOWN")]
    public void ValidateStatus_EmptyOrUnknown_ReturnsInvalid(string? status) =>
        Assert.StartsWith("field 'UpdateInstanceStatusRequest.Status'", IdValidator.ValidateStatus(status)?.Detail, StringComparison.Ordinal);

    [Theory]
    [InlineData("a")]
    [InlineData("a-b.c_1")]
    [InlineData("Key9")]
    public void ValidateTagKey_Good_ReturnsNull(string key) => Assert.Null(IdValidator.ValidateTagKey(key));

    [Theory]
    [InlineData("")]
    [InlineData("1a")]
    [InlineData("_a")]
    [InlineData("a b")]
    [InlineData("a:b")]
    public void ValidateTagKey_Bad_ReturnsInvalid(string key) => Assert.NotNull(IdValidator.ValidateTagKey(key));

    [Fact]
    public void ValidateTagValue_Length_Max64()
    {
        Assert.Null(IdValidator.ValidateTagValue("v" + new string('1', 63)));
        Assert.NotNull(IdValidator.ValidateTagValue("v" + new string('1', 64)));
    }

    [Fact]
    public void ValidateTags_GoodMap_ReturnsNull() =>
        Assert.Null(IdValidator.ValidateTags(new Dictionary<string, string> { ["env"] = "prod", ["zone"] = "a-1" }));

    [Fact]
    public void ValidateTags_BadValue_ReturnsInvalidNamingValue() =>
        Assert.Equal(
            @"field 'AddServiceTagsRequest.Tags' invalid value '1x' does not match rule: {Max: 100, Regexp: ^[a-zA-Z][a-zA-Z0-9_\-.]{0,63}$}",
            IdValidator.ValidateTags(new Dictionary<string, string> { ["env"] = "1x" })?.Detail);

    [Fact]
    public void ValidateTags_Count_Max100()
    {
        Assert.Null(IdValidator.ValidateTags(Enumerable.Range(0, 100).ToDictionary(i => $"k{i}", _ => "v")));
        Assert.NotNull(IdValidator.ValidateTags(Enumerable.Range(0, 101).ToDictionary(i => $"k{i}", _ => "v")));
    }

    [Fact]
    public void ValidateTagKeys_Empty_ReturnsInvalid()
    {
        Assert.NotNull(IdValidator.ValidateTagKeys([]));
        Assert.NotNull(IdValidator.ValidateTagKeys(null));
        Assert.Null(IdValidator.ValidateTagKeys(["a", "b"]));
        Assert.NotNull(IdValidator.ValidateTagKeys(["a", "1"]));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("a.b-c_d")]
    [InlineData("Schema1")]
    public void ValidateSchemaId_Good_ReturnsNull(string id) => Assert.Null(IdValidator.ValidateSchemaId(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("-a")]
    [InlineData("a.")]
    public void ValidateSchemaId_Bad_ReturnsInvalid(string? id) => Assert.NotNull(IdValidator.ValidateSchemaId(id));

    [Fact]
    public void ValidateSchemaId_Length_Max160()
    {
        Assert.Null(IdValidator.ValidateSchemaId(new string('s', 160)));
        Assert.NotNull(IdValidator.ValidateSchemaId(new string('s', 161)));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    public void ParseBool_Known_ReturnsValue(string? text, bool expected)
    {
        Assert.Null(IdValidator.ParseBool(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData(" true")]
    [InlineData("t")]
    public void ParseBool_Other_ReturnsForceError(string text)
    {
        var error = IdValidator.ParseBool(text, out var value);
        Assert.False(value);
        Assert.Equal(ErrorCode.InvalidParams, error?.ErrorCode);
        Assert.Equal("parameter force must be false or true", error?.Detail);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("tRuE", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("yes", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsTrue_Text_MatchesServiceCenterTruthiness(string? text, bool expected) => Assert.Equal(expected, IdValidator.IsTrue(text));
}
