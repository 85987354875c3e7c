using System.Security.Cryptography;
using k8s.Autorest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecar.Cli;
using Sidecar.Kubernetes.Hosting;

namespace Sidecar.Kubernetes.Cli;

/// <summary><c>sidecar injector</c>: serves the mutating admission webhook until cancelled.</summary>
public static partial class InjectorCommand
{
    internal const string Description = "Serves the mutating admission webhook that injects the sidecar into pods";

    /// <summary>Every flag of <c>sidecar injector</c>.</summary>
    internal static readonly Flag[] Flags = [.. InjectorFlags.MutationFlags, .. InjectorFlags.ServingFlags];

    /// <summary>Runs the injector.</summary>
    /// <param name="args">The arguments after <c>injector</c>.</param>
    /// <param name="cancellationToken">Stops the webhook.</param>
    /// <returns>0 after a clean stop (or after <c>--help</c>), 1 when it cannot start, 2 for bad flags (one line on stderr naming the flag).</returns>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = FlagParser.Parse("injector", Description, Flags, args, Console.Out);
        if (parsed.HelpShown)
        {
            return 0;
        }

        var error = parsed.Error;
        var flags = parsed.Values is null ? null : InjectorFlags.WithExplicitNone(parsed.Values, new Settings(parsed.Values, Environment.GetEnvironmentVariable, Settings.AppSettings()).Resolve(Flags));
        var options = flags is null ? null : InjectorFlags.ToOptions(flags, Environment.GetEnvironmentVariable, out error);
        var logs = options is null ? null : LogSettings.Parse(flags!.GetValueOrDefault, out error);
        if (options is null || logs is null)
        {
            await Console.Error.WriteLineAsync($"sidecar injector: {error}");
            return 2;
        }

        WebhookCertificate certificate;
        string source;
        using var client = InClusterClient.Create();
        try
        {
            (certificate, source) = await WebhookCertificateFactory.CreateAsync(options, client, TimeProvider.System, cancellationToken);
        }
        catch (CryptographicException ex) when (!string.IsNullOrEmpty(options.TlsCertPath))
        {
            await Console.Error.WriteLineAsync($"sidecar injector: flags --tls-cert/--tls-key: cannot load the PEM pair: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or InvalidDataException or CryptographicException)
        {
            await Console.Error.WriteLineAsync(
                $"sidecar injector: flag --tls-secret: cannot read or create Secret {options.Namespace}/{options.TlsSecretName}: {ex.Message}. " +
                $"If forbidden, grant the injector's ServiceAccount the Role rule {CertificateSecretStore.RequiredRule} in namespace {options.Namespace}");
            return 1;
        }

        await using var app = InjectorHost.Build(options, certificate, builder => logs.Apply(builder.Logging));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"sidecar injector: flag --listen: cannot listen on {options.Listen}: {ex.Message}");
            return 1;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InjectorCommand).FullName!);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Log.InjectorListening(logger, string.Join(", ", addresses), source, options.NativeSidecar ? "native" : "container");
        try
        {
            await app.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.InjectorListening, LogLevel.Information, "Sidecar injector serving on {Addresses} ({Certificate} certificate, {Mode} sidecar)", EventName = "InjectorListening")]
        public static partial void InjectorListening(ILogger logger, string addresses, string certificate, string mode);
    }
}
