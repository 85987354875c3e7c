using Sidecar.Contracts;
using Sidecar.Registry;

namespace Sidecar.Benchmarks;

/// <summary>The benchmark registry: 10,000 instances in 500 services of one app, 20 instances each.</summary>
internal static class Dataset
{
    public const int Services = 500;
    public const int InstancesPerService = 20;
    public const string AppId = "bench";

    public static string ServiceName(int service) => $"svc-{service:D3}";

    /// <summary>The find query of a service, as a client sends it.</summary>
    public static string FindPath(int service) => $"/v4/default/registry/instances?appId={AppId}&serviceName={ServiceName(service)}";

    public static MicroServiceInstance Instance(int service, int index) => new()
    {
        HostName = $"pod-{service:D3}-{index:D2}",
        Endpoints = [$"rest://10.{service / 250}.{service % 250}.{index + 10}:8080", $"highway://10.{service / 250}.{service % 250}.{index + 10}:7070"],
        Status = "UP",
        Properties = new Dictionary<string, string> { ["zone"] = $"zone-{index % 3}", ["pod"] = $"pod-{service:D3}-{index:D2}" },
        // A long lease, so nothing expires while the benchmark runs without heartbeats.
        HealthCheck = new HealthCheck { Mode = "push", Interval = 3600, Times = 3 },
    };

    /// <summary>Registers the whole dataset through the agent's own write path.</summary>
    public static async Task LoadAsync(LocalRegistry registry, CancellationToken cancellationToken)
    {
        var ids = new string[Services];
        for (var s = 0; s < Services; s++)
        {
            var request = new CreateServiceRequest
            {
                Service = new MicroService { AppId = AppId, ServiceName = ServiceName(s), Version = "1.0.0" },
            };
            var created = await registry.RegisterServiceAsync(Tenant.Default, request, cancellationToken);
            ids[s] = created.Ok ? created.Value! : throw new InvalidOperationException($"register service {s}: {created.Error}");
        }

        var writes = new List<Task<Result<string>>>(Services * InstancesPerService);
        for (var s = 0; s < Services; s++)
        {
            var service = new Replication.ServiceRef("default", "default", ids[s]);
            for (var i = 0; i < InstancesPerService; i++)
            {
                writes.Add(registry.RegisterInstanceAsync(service, Instance(s, i), cancellationToken));
            }
        }

        foreach (var result in await Task.WhenAll(writes))
        {
            if (!result.Ok)
            {
                throw new InvalidOperationException($"register instance: {result.Error}");
            }
        }
    }
}
