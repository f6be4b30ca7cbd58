using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Protocol.ServiceDefaults;

/// <summary>
/// Serves one folder read-only over HTTP under a path prefix: GET and HEAD only, no directory listing, no path
/// outside the folder. Protocol files get their content types (JSON Lines as <c>application/x-ndjson</c>, JSON,
/// features and arrays as octet streams); every answer carries an ETag and Last-Modified, and <c>Cache-Control:
/// no-cache</c>, so clients revalidate (a 304 costs nothing) and never keep a stale copy of a file that was republished.
/// </summary>
public static class FileServer
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = Build();

    /// <summary>Starts serving <paramref name="folder"/> at <c>http://{address}:{port}{prefix}/…</c>.</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<WebApplication> StartAsync(string folder, string prefix, string address, int port, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseUrls($"http://{address}:{port}");
        web.Logging.ClearProviders();
        var app = web.Build();
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET, HEAD";
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.GetFullPath(folder)),
            RequestPath = prefix,
            ContentTypeProvider = ContentTypes,
            ServeUnknownFileTypes = false, // a keystore or a password file dropped in the folder is not served
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync($"not found: {context.Request.Path} (files are served under {(prefix.Length == 0 ? "/" : prefix + "/")})\n", cancellationToken);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>The port a started server listens on: the one asked for, or the one the system picked for port 0.</summary>
    public static int Port(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Urls.First()).Port;
    }

    private static FileExtensionContentTypeProvider Build()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings.Clear();
        types.Mappings[".jsonl"] = "application/x-ndjson; charset=utf-8";
        types.Mappings[".json"] = "application/json; charset=utf-8";
        types.Mappings[".features"] = "application/octet-stream";
        types.Mappings[".npy"] = "application/octet-stream";
        types.Mappings[".safetensors"] = "application/octet-stream";
        types.Mappings[".txt"] = "text/plain; charset=utf-8";
        return types;
    }
}
