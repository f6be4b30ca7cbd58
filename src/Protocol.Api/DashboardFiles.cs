using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

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

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, EntityTagHeaderValue Tag)> Files = Load();

    /// <summary>Names of the embedded files (index.html, app.js, app.css).</summary>
    public static IReadOnlyCollection<string> Names => Files.Keys;

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

            if (!Files.TryGetValue(file ?? "index.html", out var f))
            {
                return Results.NotFound();
            }

            response.Headers.ContentSecurityPolicy = Policy;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.CacheControl = "no-cache";
            return Results.Bytes(f.Bytes, f.ContentType, entityTag: f.Tag);
        }).ExcludeFromDescription();
        return app;
    }

    private static FrozenDictionary<string, (byte[], string, EntityTagHeaderValue)> Load()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        var files = new Dictionary<string, (byte[], string, EntityTagHeaderValue)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var type = Path.GetExtension(resource) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            };
            var tag = new EntityTagHeaderValue('"' + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + '"');
            files[resource["dashboard/".Length..]] = (bytes, type, tag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
