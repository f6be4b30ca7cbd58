using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Protocol.CuratorApp;

/// <summary>
/// Keeps the app to the one page its URL was given to. The app's API can spend the key's tokens, and any web page the
/// curator visits can send requests to 127.0.0.1, so every API call must carry the session token (printed once, in
/// the URL's fragment, which browsers never send to a server); a request from another origin is refused before the
/// token is even looked at; and a Host other than a loopback name is refused, so that a DNS name rebound to
/// 127.0.0.1 does not make another site's page same-origin with the app.
/// </summary>
internal sealed class SessionGuard(string token)
{
    /// <summary>The request header that carries the token.</summary>
    public const string Header = "X-Session-Token";

    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    public string Token { get; } = token;

    /// <summary>A fresh token: 32 random bytes, base64url (URL-safe, no padding).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Why the request is refused (status and message), or null to let it through. <paramref name="api"/>: a call that needs the token.</summary>
    public (int Status, string Error)? Refuse(HttpRequest request, bool api)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]"))
        {
            return (StatusCodes.Status421MisdirectedRequest, $"Host \"{request.Host}\" is not this machine's loopback address; open the URL fmp curator app printed");
        }

        // Browsers send Origin on every cross-origin request and on same-origin POSTs; it must be this app's own.
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status403Forbidden, $"a request from {origin} is refused: only the app's own page may call it");
        }

        if (!api)
        {
            return null;
        }

        // Fetch metadata: what the browser says about who started the request (absent in older clients and in curl).
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site && site is not ("same-origin" or "none"))
        {
            return (StatusCodes.Status403Forbidden, $"a {site} request is refused: only the app's own page may call it");
        }

        var given = Encoding.UTF8.GetBytes(request.Headers[Header].ToString());
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(given, _token)
            ? null
            : (StatusCodes.Status401Unauthorized, $"no valid session token in the {Header} header: open the URL fmp curator app printed (it carries the token)");
    }

    /// <summary>Answers refused requests with their status and a JSON error; lets the rest through.</summary>
    public void Install(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var api = context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal);
        if (Refuse(context.Request, api) is { } refusal)
        {
            context.Response.StatusCode = refusal.Status;
            await context.Response.WriteAsJsonAsync(new { error = refusal.Error }, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });
}
