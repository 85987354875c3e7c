using System.Globalization;
using System.Net;

namespace Sidecar.Benchmarks.Http;

/// <summary>Settings shared by <c>http</c> (which passes them on) and <c>load</c>.</summary>
internal sealed record LoadOptions
{
    /// <summary>Seconds per measured phase.</summary>
    public double Duration { get; init; } = 10;

    /// <summary>Open-loop request rate, per second.</summary>
    public int Rate { get; init; } = 5000;

    /// <summary>Keep-alive connections per target (the same number against both).</summary>
    public int Connections { get; init; } = 16;

    /// <summary>Closed-loop rounds per target; the targets alternate and swap order every round.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Open-loop rounds per target.</summary>
    public int OpenRounds { get; init; } = 2;

    /// <summary>Unrecorded closed-loop seconds per target before measuring.</summary>
    public double Warmup { get; init; } = 5;

    public string? Out { get; init; }

    /// <summary>Target name and endpoint, e.g. <c>agent=127.0.0.1:4000</c> (load only).</summary>
    public List<(string Name, IPEndPoint EndPoint)> Targets { get; init; } = [];

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--duration" => options with { Duration = double.Parse(value, CultureInfo.InvariantCulture) },
                "--rate" => options with { Rate = int.Parse(value, CultureInfo.InvariantCulture) },
                "--connections" => options with { Connections = int.Parse(value, CultureInfo.InvariantCulture) },
                "--rounds" => options with { Rounds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--open-rounds" => options with { OpenRounds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = double.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => options with { Out = value },
                "--target" => options with { Targets = [.. options.Targets, ParseTarget(value)] },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
            i++;
        }

        return options.Duration > 0 && options.Duration <= 600 && options.Rate is > 0 and <= 200_000
            && options.Connections is > 0 and <= 1024 && options.Rounds is > 0 and <= 20 && options.OpenRounds is > 0 and <= 20
            && options.Warmup is >= 0 and <= 120
            ? options
            : throw new ArgumentException("out of range: --duration (0, 600], --rate (0, 200000], --connections (0, 1024], --rounds/--open-rounds (0, 20], --warmup [0, 120]");
    }

    public string[] ToArgs() =>
    [
        "--duration", Duration.ToString(CultureInfo.InvariantCulture),
        "--rate", Rate.ToString(CultureInfo.InvariantCulture),
        "--connections", Connections.ToString(CultureInfo.InvariantCulture),
        "--rounds", Rounds.ToString(CultureInfo.InvariantCulture),
        "--open-rounds", OpenRounds.ToString(CultureInfo.InvariantCulture),
        "--warmup", Warmup.ToString(CultureInfo.InvariantCulture),
        .. Targets.SelectMany(t => new[] { "--target", $"{t.Name}={t.EndPoint}" }),
    ];

    private static (string, IPEndPoint) ParseTarget(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return (text[..eq], IPEndPoint.Parse(text[(eq + 1)..]));
    }
}
