namespace Protocol.Client.Markets;

/// <summary>What a curator must keep between commit and reveal: the salt, and what it committed to.
/// <c>CommittedCopy</c> is a read-only copy of the committed bytes, so that a label file edited after the commit can
/// still be revealed (absent in files written before it was kept).</summary>
public sealed record CuratorSecrets(string ChainId, string Market, string MarketId, string Curator, string LabelsHash, string Salt, string LabelsFile, string? CommittedCopy = null)
{
    /// <summary>Where the committed bytes are kept: beside the salt, named after the label file.</summary>
    public static string CopyPath(string secretsPath, string labelsFile) =>
        Path.Combine(Path.GetDirectoryName(secretsPath)!, Path.GetFileNameWithoutExtension(labelsFile) + ".committed" + Path.GetExtension(labelsFile));

    /// <summary>Writes the copy and leaves it read-only (replacing an earlier copy of an unfinished commit).</summary>
    public static async Task WriteCopyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }

        await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
        File.SetAttributes(path, FileAttributes.ReadOnly);
    }
}
