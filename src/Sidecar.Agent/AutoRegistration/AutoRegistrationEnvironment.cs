using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Sidecar.Agent.Hosting;
using Sidecar.Registry;
using Sidecar.Validation;

namespace Sidecar.Agent.AutoRegistration;

/// <summary>
/// Reads the app identity the injector puts into the sidecar's env (spec/kubernetes.md sections 2 and 3).
/// Without <c>SIDECAR_APP_PORT</c> there is nothing to register and the result is null; malformed values fail
/// start-up with an <see cref="OptionException"/> that names the variable.
/// </summary>
internal static class AutoRegistrationEnvironment
{
    public const string AppPort = "SIDECAR_APP_PORT";

    public static AutoRegistrationOptions? Read(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        if (Get(AppPort) is not { } portText)
        {
            return null;
        }

        var port = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535
            ? p
            : throw new OptionException($"{AppPort} '{portText}' must be a port number 1-65535");
        var serviceName = Get("SIDECAR_SERVICE_NAME")
            ?? throw new OptionException($"{AppPort} is set but SIDECAR_SERVICE_NAME is not: set the service name to register (annotation sidecar.servicecomb.io/service-name)");
        var protocol = (Get("SIDECAR_APP_PROTOCOL") ?? "rest").ToLowerInvariant();
        if (!protocol.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) || !char.IsAsciiLetterLower(protocol[0]))
        {
            throw new OptionException($"SIDECAR_APP_PROTOCOL '{protocol}' must be a scheme such as rest, highway or grpc");
        }

        var podIp = Get("POD_IP");
        if (podIp is not null && !IPAddress.TryParse(podIp, out _))
        {
            throw new OptionException($"POD_IP '{podIp}' is not an IP address");
        }

        var host = podIp ?? IPAddress.Loopback.ToString();
        var podName = Get("POD_NAME");
        var hostName = podName ?? Dns.GetHostName();
        var service = ServiceValidator.Normalize(new MicroService
        {
            AppId = Get("SIDECAR_APP_ID") ?? Get("POD_NAMESPACE") ?? "default",
            ServiceName = serviceName,
            Version = Get("SIDECAR_VERSION") ?? "0.0.1",
            Environment = Get("SIDECAR_ENVIRONMENT") ?? "",
            RegisterBy = "SIDECAR",
        });
        if (ServiceValidator.Validate(service) is { } badService)
        {
            throw new OptionException($"SIDECAR_APP_ID/SIDECAR_SERVICE_NAME/SIDECAR_VERSION/SIDECAR_ENVIRONMENT: {badService.Detail}");
        }

        var instance = new MicroServiceInstance
        {
            InstanceId = InstanceIdOf(Get("POD_UID"), hostName, service, port),
            HostName = hostName,
            Endpoints = [$"{protocol}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}"],
            Status = "UP",
            Properties = Properties(("namespace", Get("POD_NAMESPACE")), ("nodeName", Get("NODE_NAME")), ("podName", podName)),
            HealthCheck = AutoRegistrationOptions.Lease,
        };
        if (InstanceValidator.Validate(instance with { ServiceId = "pending" }) is { } badInstance)
        {
            throw new OptionException($"POD_UID/POD_NAME/POD_IP/{AppPort}: {badInstance.Detail}");
        }

        var options = new AutoRegistrationOptions
        {
            Service = service,
            Instance = instance,
            ProbeHost = host,
            AppPort = port,
            HealthPath = Get("SIDECAR_APP_HEALTH_PATH") is { } path ? (path.StartsWith('/') ? path : "/" + path) : null,
        };
        if (Get("SIDECAR_APP_PROBE_INTERVAL") is { } interval)
        {
            options = options with { ProbeInterval = Duration("SIDECAR_APP_PROBE_INTERVAL", interval) };
        }

        if (Get("SIDECAR_APP_PROBE_TIMEOUT") is { } timeout)
        {
            options = options with { ProbeTimeout = Duration("SIDECAR_APP_PROBE_TIMEOUT", timeout) };
        }

        if (Get("SIDECAR_APP_DRAIN_DELAY") is { } drain)
        {
            options = options with { DrainDelay = Duration("SIDECAR_APP_DRAIN_DELAY", drain, allowZero: true) };
        }

        if (Get("SIDECAR_APP_FAILURE_THRESHOLD") is { } threshold)
        {
            options = options with
            {
                FailureThreshold = int.TryParse(threshold, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is > 0 and <= 100
                    ? t
                    : throw new OptionException($"SIDECAR_APP_FAILURE_THRESHOLD '{threshold}' must be a whole number 1-100"),
            };
        }

        return options;
    }

    /// <summary>
    /// <c>POD_UID</c> without dashes, so a restarted sidecar in the same pod keeps the id (as Service-Center's k8s
    /// adaptor names pod instances). Outside Kubernetes: 32 hex chars of a hash of host, service and port, equally stable.
    /// </summary>
    private static string InstanceIdOf(string? podUid, string hostName, MicroService service, int port)
    {
        if (podUid is not null)
        {
            return podUid.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        }

        var seed = string.Join('/', "sidecar-auto-registration", hostName, service.Environment, service.AppId, service.ServiceName, service.Version, port.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..32];
    }

    private static Dictionary<string, string>? Properties(params (string Key, string? Value)[] pairs)
    {
        var properties = pairs.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
        return properties.Count > 0 ? properties : null;
    }

    /// <summary>A duration: <c>500ms</c>, <c>5s</c>, <c>1m</c>, or a bare number of seconds.</summary>
    internal static TimeSpan Duration(string name, string value, bool allowZero = false)
    {
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : (value, 1.0);
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            && (amount > 0 || (allowZero && amount == 0)) && amount * unit <= 3600
            ? TimeSpan.FromSeconds(amount * unit)
            : throw new OptionException($"{name} '{value}' must be a duration such as 500ms, 5s or 1m (at most 1 hour)");
    }
}
