var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
var body = "{\"errorCode\":\"400012\",\"errorMessage\":\"Micro-service does not exist\",\"detail\":\"\"}"u8.ToArray();
app.MapGet("/v4/default/registry/instances", () => Results.Bytes(body, "application/json", statusCode: StatusCodes.Status400BadRequest));
app.Run();
