using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Protocol.Cli.CuratorApp;

/// <summary>
/// The page's files (<c>CuratorApp/Assets</c>: plain HTML, CSS and JavaScript modules, no build step), embedded in
/// the assembly and served as the analyst dashboard serves its own: a strict content security policy (this origin
/// only, no inline script or style, no framing), nosniff, revalidated on every load.
/// </summary>
internal static class AppAssets
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private const string Prefix = "curator-app/";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, EntityTagHeaderValue Tag)> Files = Load();

    /// <summary>Names of the embedded files (index.html, app.js, markdown.js, app.css).</summary>
    public static IReadOnlyCollection<string> Names => Files.Keys;

    /// <summary>The file at <paramref name="name"/> (index.html for none), or 404.</summary>
    public static IResult Serve(string? name, HttpResponse response)
    {
        if (!Files.TryGetValue(name ?? "index.html", out var f))
        {
            return Results.NotFound();
        }

        response.Headers.ContentSecurityPolicy = Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        // The token travels in the URL's fragment, which is never sent; no-referrer keeps the page's address out of any request too.
        response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(f.Bytes, f.ContentType, entityTag: f.Tag);
    }

    private static FrozenDictionary<string, (byte[], string, EntityTagHeaderValue)> Load()
    {
        var assembly = typeof(AppAssets).Assembly;
        var files = new Dictionary<string, (byte[], string, EntityTagHeaderValue)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
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
            files[resource[Prefix.Length..]] = (bytes, type, tag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
