using BenchmarkDotNet.Attributes;
using Sidecar.Versioning;
using static Sidecar.Benchmarks.Micro.Rules;

namespace Sidecar.Benchmarks.Micro;

/// <summary>Version-rule evaluation (spec 2.1): parsing the <c>version</c> query parameter and selecting candidates.</summary>
[MemoryDiagnoser]
public class VersionRuleBenchmarks
{
    private readonly string[] _versions = ["1.0.0", "1.0.1", "1.1.0", "1.2.0", "1.2.1", "2.0.0", "2.0.1", "2.1.0", "3.0.0", "3.0.1"];
    private VersionRule _latest;
    private VersionRule _range;
    private VersionRule _atLeast;

    [GlobalSetup]
    public void Setup()
    {
        _latest = Rule("latest");
        _range = Rule("1.2.0-3.0.0");
        _atLeast = Rule("2.0.0+");
    }

    [Benchmark(Baseline = true, Description = "TryParse absent (all versions)")]
    public bool ParseAbsent() => VersionRule.TryParse(null, out _);

    [Benchmark(Description = "TryParse 1.0.0+")]
    public bool ParseAtLeast() => VersionRule.TryParse("1.0.0+", out _);

    [Benchmark(Description = "TryParse 1.2.0-3.0.0")]
    public bool ParseRange() => VersionRule.TryParse("1.2.0-3.0.0", out _);

    [Benchmark(Description = "TryParse latest")]
    public bool ParseLatest() => VersionRule.TryParse("latest", out _);

    [Benchmark(Description = "TryParse 0%2B (escaped)")]
    public bool ParseEscaped() => VersionRule.TryParse("0%2B", out _);

    [Benchmark(Description = "Select latest of 10")]
    public int SelectLatest() => _latest.Select(_versions, v => v).Count;

    [Benchmark(Description = "Select 1.2.0-3.0.0 of 10")]
    public int SelectRange() => _range.Select(_versions, v => v).Count;

    [Benchmark(Description = "Select 2.0.0+ of 10")]
    public int SelectAtLeast() => _atLeast.Select(_versions, v => v).Count;
}
