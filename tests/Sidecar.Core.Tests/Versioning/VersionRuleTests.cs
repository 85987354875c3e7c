using Sidecar.Versioning;

namespace Sidecar.Tests.Versioning;

public class VersionRuleTests
{
    private static readonly string[] s_versions = ["1.0.0", "1.2", "2.0.0", "1.4.0", "1.5.0", "1.8.0"];

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0+")]
    [InlineData("0.0.0+")]
    [InlineData("0%2B")]
    [InlineData("0%2b")]
    [InlineData("0%252B")] // escaped twice
    [InlineData("0 ")] // an unescaped '+' decoded as a space
    public void TryParse_AllVersionsForms_IsAll(string? text)
    {
        Assert.True(VersionRule.TryParse(text, out var rule));
        Assert.True(rule.IsAll);
        Assert.Equal(VersionRuleKind.All, rule.Kind);
    }

    [Theory]
    [InlineData("latest", VersionRuleKind.Latest, "latest")]
    [InlineData("1.0.0+", VersionRuleKind.AtLeast, "1.0.0+")]
    [InlineData("1.0.0%2B", VersionRuleKind.AtLeast, "1.0.0+")]
    [InlineData("1.2 ", VersionRuleKind.AtLeast, "1.2.0+")]
    [InlineData("1.0.0-2.0.0", VersionRuleKind.Range, "1.0.0-2.0.0")]
    [InlineData("1.8-1.4", VersionRuleKind.Range, "1.4.0-1.8.0")]
    [InlineData("1.0.0", VersionRuleKind.Exact, "1.0.0")]
    [InlineData("1.2.3.4", VersionRuleKind.Exact, "1.2.3.4")]
    public void TryParse_ValidRule_ReturnsKindAndCanonicalText(string text, VersionRuleKind kind, string canonical)
    {
        Assert.True(VersionRule.TryParse(text, out var rule));
        Assert.Equal(kind, rule.Kind);
        Assert.False(rule.IsAll);
        Assert.Equal(canonical, rule.ToString());
    }

    [Theory]
    [InlineData("Latest")]
    [InlineData("latest+")]
    [InlineData("1.0.0-")]
    [InlineData("-1.0.0")]
    [InlineData("1.0.0-2.0.0+")]
    [InlineData("1.0-2.0-3.0")]
    [InlineData("1.32768+")]
    [InlineData("1.")]
    [InlineData("abc")]
    [InlineData(" ")]
    [InlineData("1.0.0++")]
    public void TryParse_InvalidRule_ReturnsFalse(string text) => Assert.False(VersionRule.TryParse(text, out _));

    [Fact]
    public void TryParse_LongerThan129_ReturnsFalse() =>
        Assert.False(VersionRule.TryParse(new string('1', 130), out _));

    [Fact]
    public void Default_Always_IsAll() => Assert.True(default(VersionRule).IsAll);

    [Theory]
    [InlineData("latest", new[] { "2.0.0" })]
    [InlineData("1.4.0+", new[] { "2.0.0", "1.8.0", "1.5.0", "1.4.0" })]
    [InlineData("1.8-1.4", new[] { "1.5.0", "1.4.0" })]
    [InlineData("1.4-1.8", new[] { "1.5.0", "1.4.0" })]
    [InlineData("1.0.0-2.0.0", new[] { "1.8.0", "1.5.0", "1.4.0", "1.2", "1.0.0" })]
    [InlineData("1.2.0", new[] { "1.2" })]
    [InlineData("1.5", new[] { "1.5.0" })]
    [InlineData("3.0.0", new string[0])]
    [InlineData("3.0.0+", new string[0])]
    [InlineData("1.1-1.2", new string[0])]
    [InlineData("0+", new[] { "2.0.0", "1.8.0", "1.5.0", "1.4.0", "1.2", "1.0.0" })]
    [InlineData("0%2B", new[] { "2.0.0", "1.8.0", "1.5.0", "1.4.0", "1.2", "1.0.0" })]
    [InlineData("", new[] { "2.0.0", "1.8.0", "1.5.0", "1.4.0", "1.2", "1.0.0" })]
    public void Select_Rule_ReturnsMatchesHighestFirst(string text, string[] expected)
    {
        Assert.True(VersionRule.TryParse(text, out var rule));
        Assert.Equal(expected, rule.Select(s_versions, v => v));
    }

    [Fact]
    public void Select_LatestWithSeveralOfHighest_ReturnsAllOfHighestInInputOrder()
    {
        (string Id, string Version)[] instances = [("a", "1.0"), ("b", "2.0"), ("c", "2.0.0"), ("d", "1.9")];
        var selected = VersionRule.Latest.Select(instances, i => i.Version);
        Assert.Equal(["b", "c"], selected.Select(i => i.Id));
    }

    [Fact]
    public void Select_LatestOfNone_ReturnsEmpty() => Assert.Empty(VersionRule.Latest.Select(Array.Empty<string>(), v => v));

    [Fact]
    public void Select_AllWithUnparsableVersions_KeepsThemLast()
    {
        string?[] versions = [null, "1.0.0", "bad", "2.0.0"];
        Assert.Equal(["2.0.0", "1.0.0", null, "bad"], VersionRule.All.Select(versions, v => v));
    }

    [Fact]
    public void Select_RuleWithUnparsableVersions_DropsThem()
    {
        string?[] versions = [null, "1.0.0", "bad", "2.0.0"];
        Assert.Equal(["2.0.0", "1.0.0"], VersionRule.AtLeast(ServiceVersion.Parse("1")).Select(versions, v => v));
    }

    [Fact]
    public void Between_StartAboveEnd_Swaps()
    {
        var rule = VersionRule.Between(ServiceVersion.Parse("1.8"), ServiceVersion.Parse("1.4"));
        Assert.Equal(ServiceVersion.Parse("1.4"), rule.Start);
        Assert.Equal(ServiceVersion.Parse("1.8"), rule.End);
        Assert.True(rule.Matches(ServiceVersion.Parse("1.4")));
        Assert.False(rule.Matches(ServiceVersion.Parse("1.8")));
    }

    [Fact]
    public void AtLeast_Zero_IsAll() => Assert.True(VersionRule.AtLeast(default).IsAll);

    [Fact]
    public void Matches_Latest_Throws() =>
        Assert.Throws<InvalidOperationException>(() => VersionRule.Latest.Matches(ServiceVersion.Parse("1")));

    [Theory]
    [InlineData("latest")]
    [InlineData("1.0.0+")]
    [InlineData("1.4.0-1.8.0")]
    [InlineData("1.0.0")]
    [InlineData("0+")]
    public void ToString_Parsed_RoundTrips(string text)
    {
        Assert.True(VersionRule.TryParse(text, out var rule));
        Assert.True(VersionRule.TryParse(rule.ToString(), out var again));
        Assert.Equal(rule, again);
    }
}
