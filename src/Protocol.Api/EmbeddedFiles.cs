using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Protocol.Api;

/// <summary>
/// A page's files embedded in an assembly (resources named <c>{prefix}{name}</c>), read once and served with a strict
/// content security policy, nosniff and revalidation on every load (an ETag of their bytes). The analyst dashboard
/// and the curator app serve their pages through it.
/// </summary>
public sealed class EmbeddedFiles
{
    private readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, EntityTagHeaderValue Tag)> _files;
    private readonly string _policy;

    public EmbeddedFiles(Assembly assembly, string prefix, string contentSecurityPolicy)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(prefix);
        _policy = contentSecurityPolicy;
        var files = new Dictionary<string, (byte[], string, EntityTagHeaderValue)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
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
            files[resource[prefix.Length..]] = (bytes, type, tag);
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Names of the embedded files.</summary>
    public IReadOnlyCollection<string> Names => _files.Keys;

    /// <summary>The file called <paramref name="name"/> with the security and caching headers, or 404.</summary>
    public IResult Serve(string name, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!_files.TryGetValue(name, out var f))
        {
            return Results.NotFound();
        }

        response.Headers.ContentSecurityPolicy = _policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        return Results.Bytes(f.Bytes, f.ContentType, entityTag: f.Tag);
    }
}
