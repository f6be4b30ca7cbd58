using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Protocol.Api.Apis;

namespace Protocol.Api;

/// <summary>Builds the analysts' web application: the API, its OpenAPI description and the dashboard, on the given (loopback) URLs.</summary>
public static class ApiHost
{
    public static WebApplication Build(string connectionString, string urls, string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(urls);
        // One line per request is noise for a read-only API; warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapOpenApi();
        app.MapAnalystApi();
        app.MapDashboard();
        return app;
    }
}
