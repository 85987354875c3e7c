using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Testing;
using Polly.Timeout;
using Sidecar.Agent.Hosting;
using Sidecar.Agent.Upstreams;

namespace Sidecar.Agent.Tests.Upstreams;

public sealed class SidecarPipelinesTests
{
    [Fact]
    public void AddSidecarUpstreams_UpstreamPipeline_RetryAroundBreakerAroundTimeout()
    {
        var options = new AgentOptions
        {
            Clusters = [new UpstreamEndpoint("sc2", [new Uri("http://127.0.0.1:1")])],
            UpstreamTimeout = TimeSpan.FromMilliseconds(1500),
        };
        var services = new ServiceCollection().AddSidecarUpstreams(options);
        using var provider = services.BuildServiceProvider();

        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(SidecarPipelines.Upstream("sc2"));
        var descriptor = pipeline.GetPipelineDescriptor();

        Assert.Equal(3, descriptor.Strategies.Count);
        var retry = Assert.IsType<RetryStrategyOptions>(descriptor.Strategies[0].Options);
        Assert.True(retry.UseJitter);
        Assert.Equal(2, retry.MaxRetryAttempts);
        Assert.IsType<CircuitBreakerStrategyOptions>(descriptor.Strategies[1].Options);
        var timeout = Assert.IsType<TimeoutStrategyOptions>(descriptor.Strategies[2].Options);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), timeout.Timeout);
    }

    [Fact]
    public void AddSidecarUpstreams_HomeUpstream_HasItsOwnPipeline()
    {
        var options = new AgentOptions { RegistryUpstream = new UpstreamEndpoint("home", [new Uri("http://127.0.0.1:1")]) };
        using var provider = new ServiceCollection().AddSidecarUpstreams(options).BuildServiceProvider();

        var descriptor = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(SidecarPipelines.HomeUpstream).GetPipelineDescriptor();

        Assert.Equal(3, descriptor.Strategies.Count);
    }
}
