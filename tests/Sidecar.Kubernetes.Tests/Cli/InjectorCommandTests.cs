using Sidecar.Kubernetes.Cli;

namespace Sidecar.Kubernetes.Tests.Cli;

public sealed class InjectorCommandTests
{
    [Theory]
    [InlineData(new[] { "--listen", "nowhere" }, "--listen")]
    [InlineData(new[] { "--tls-cert", "/tmp/cert.pem" }, "--tls-key")]
    [InlineData(new[] { "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem" }, "--tls-cert")]
    [InlineData(new[] { "--frobnicate" }, "--frobnicate")]
    [InlineData(new[] { "--image-pull-policy", "Sometimes" }, "--image-pull-policy")]
    public async Task RunAsync_BadFlag_Exit2(string[] args, string flag)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await InjectorCommand.RunAsync(args, TestContext.Current.CancellationToken);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(2, code);
        Assert.Contains(flag, error.ToString(), StringComparison.Ordinal);
    }
}
