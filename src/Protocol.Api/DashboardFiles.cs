using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Protocol.Api;

/// <summary>
/// Serves the analyst dashboard (<c>/dashboard/</c>): static files bundled at build time and embedded in
/// this assembly. The pages read the same <c>/api</c> endpoints; a strict content security policy keeps
/// them to this origin.
/// </summary>
public static class DashboardFiles
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private static readonly EmbeddedFiles Files = new(typeof(DashboardFiles).Assembly, "dashboard/", Policy);

    /// <summary>Names of the embedded files (index.html, app.js, app.css).</summary>
    public static IReadOnlyCollection<string> Names => Files.Names;

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/dashboard/")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file?}", (string? file, HttpRequest request, HttpResponse response) =>
        {
            // The page's relative links need the trailing slash; routing matches /dashboard without it too.
            if (file is null && request.Path.Value?.EndsWith('/') != true)
            {
                return Results.Redirect("/dashboard/");
            }

            return Files.Serve(file ?? "index.html", response);
        }).ExcludeFromDescription();
        return app;
    }
}
