var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/v1/health", () => "ok");
app.Run();

public partial class Program;
