var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
var body = "{\"errorCode\":\"400012\",\"errorMessage\":\"Micro-service does not exist\",\"detail\":\"\"}"u8.ToArray();
// Results.Bytes has no status code parameter: write the same 400 answer directly.
app.MapGet("/v4/default/registry/instances", async (HttpContext context) =>
{
    context.Response.StatusCode = StatusCodes.Status400BadRequest;
    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(body);
});
app.Run();
