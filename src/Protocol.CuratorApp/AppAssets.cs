using Microsoft.AspNetCore.Http;
using Protocol.Api;

namespace Protocol.CuratorApp;

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

    private static readonly EmbeddedFiles Files = new(typeof(AppAssets).Assembly, Prefix, Policy);

    /// <summary>Names of the embedded files (index.html, app.js, markdown.js, app.css).</summary>
    public static IReadOnlyCollection<string> Names => Files.Names;

    /// <summary>The file at <paramref name="name"/> (index.html for none), or 404.</summary>
    public static IResult Serve(string? name, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        // The token travels in the URL's fragment, which is never sent; no-referrer keeps the page's address out of any request too.
        response.Headers["Referrer-Policy"] = "no-referrer";
        return Files.Serve(name ?? "index.html", response);
    }
}
