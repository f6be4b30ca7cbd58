using System.Text.Json;
using System.Text.Json.Serialization;

namespace Protocol.Client.Markets;

/// <summary>
/// A small JSON file only its owner may read (mode 600): the sponsor's gold salt, a curator's label salt. Written
/// before the transaction that needs it, so a crash after sending loses nothing; replaced atomically.
/// </summary>
public static class SecretsFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task WriteAsync<T>(string path, T value, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, options))
        {
            await JsonSerializer.SerializeAsync(stream, value, Json, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, full, overwrite: true);
    }

    public static async Task<T?> ReadAsync<T>(string path, string what, CancellationToken cancellationToken)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken).ConfigureAwait(false)
                ?? throw new RefusalException($"{path} is empty: it is not a {what}", RefusalCode.InvalidInput);
        }
        catch (JsonException e)
        {
            throw new RefusalException($"{path} is not a {what}: {Protocol.Core.Files.JsonErrors.Describe(e)}", RefusalCode.InvalidInput);
        }
    }
}
