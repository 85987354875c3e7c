using Sidecar.Versioning;

namespace Sidecar.Tests.Versioning;

public class ServiceVersionTests
{
    [Theory]
    [InlineData("0", 0, 0, 0, 0)]
    [InlineData("1", 1, 0, 0, 0)]
    [InlineData("1.0", 1, 0, 0, 0)]
    [InlineData("1.2.3", 1, 2, 3, 0)]
    [InlineData("1.2.3.4", 1, 2, 3, 4)]
    [InlineData("01.002.0", 1, 2, 0, 0)]
    [InlineData("32767.32767.32767.32767", 32767, 32767, 32767, 32767)]
    public void TryParse_ValidText_ReturnsParts(string text, int major, int minor, int patch, int build)
    {
        Assert.True(ServiceVersion.TryParse(text, out var version));
        Assert.Equal(new ServiceVersion(major, minor, patch, build), version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("1..0")]
    [InlineData("1.a.0")]
    [InlineData("1.32768.0")]
    [InlineData("32768")]
    [InlineData("1.1.0.0.0")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0.0 ")]
    [InlineData(" 1.0.0")]
    [InlineData("1.0\n")]
    [InlineData("١.٢")] // Arabic-Indic digits: Go's \d is ASCII only
    [InlineData("latest")]
    [InlineData("1.0.0+")]
    [InlineData("1.0-2.0")]
    public void TryParse_InvalidText_ReturnsFalse(string? text) => Assert.False(ServiceVersion.TryParse(text, out _));

    [Fact]
    public void Equals_MissingPartsAreZero_AreEqual()
    {
        Assert.Equal(ServiceVersion.Parse("1.0"), ServiceVersion.Parse("1.0.0"));
        Assert.Equal(ServiceVersion.Parse("1"), ServiceVersion.Parse("1.0.0.0"));
    }

    [Theory]
    [InlineData("1.10", "1.9")]
    [InlineData("2", "1.32767.32767.32767")]
    [InlineData("1.0.0.1", "1.0")]
    [InlineData("10.0.0", "9.99.99")]
    public void CompareTo_NumericParts_HigherIsGreater(string higher, string lower)
    {
        Assert.True(ServiceVersion.Parse(higher).CompareTo(ServiceVersion.Parse(lower)) > 0);
        Assert.True(ServiceVersion.Parse(higher) > ServiceVersion.Parse(lower));
        Assert.True(ServiceVersion.Parse(lower) < ServiceVersion.Parse(higher));
        Assert.True(ServiceVersion.Parse(lower) <= ServiceVersion.Parse(higher));
        Assert.True(ServiceVersion.Parse(higher) >= ServiceVersion.Parse(lower));
    }

    [Fact]
    public void Value_Parts_PackedLikeServiceCenter() =>
        Assert.Equal((1L << 48) | (2L << 32) | (3L << 16) | 4L, ServiceVersion.Parse("1.2.3.4").Value);

    [Theory]
    [InlineData("1", "1.0.0")]
    [InlineData("1.0", "1.0.0")]
    [InlineData("01.2.3", "1.2.3")]
    [InlineData("1.2.3.0", "1.2.3")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    public void ToString_Parsed_ReturnsCanonicalText(string text, string expected) =>
        Assert.Equal(expected, ServiceVersion.Parse(text).ToString());

    [Fact]
    public void Parse_InvalidText_ThrowsFormatException() => Assert.Throws<FormatException>(() => ServiceVersion.Parse("1."));

    [Theory]
    [InlineData(-1)]
    [InlineData(32768)]
    public void Constructor_PartOutOfRange_Throws(int part) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceVersion(1, part));
}
