using Protocol.Client.Fetching;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;

namespace Protocol.Client.Markets;

/// <summary>A market's task pool as published: fetched, checked against the market's hash, parsed.</summary>
public sealed record CuratorTaskPool(IReadOnlyList<TaskItem> Items, EvaluationSpec? Spec)
{
    /// <summary>Whether the market's spec gives each address its own items (<see cref="For"/>).</summary>
    public bool Assigns => Spec?.InRun?.Assigns == true;

    /// <summary>
    /// The task pool market <see cref="MarketSession.Id"/> committed to (its MarketCreated event read from
    /// <paramref name="startBlock"/>), fetched and checked against the committed hash, or taken from the local cache of
    /// verified pools; refused when it is not the committed file or is malformed.
    /// </summary>
    public static async Task<CuratorTaskPool> LoadAsync(MarketSession m, long startBlock, CancellationToken cancellationToken)
    {
        var created = await m.CreatedParamsAsync(startBlock, cancellationToken).ConfigureAwait(false);
        var expected = new Bytes32(created.TaskPoolHash);
        var spec = EvaluationSpecs.ByHash(new Bytes32(created.EvalSpecHash).ToString());
        var cached = Path.Combine(CacheFolder, expected.ToString()[2..] + ".jsonl");
        var bundle = spec?.Features == FeatureKind.Committed;
        byte[] bytes;
        if (File.Exists(cached) && await File.ReadAllBytesAsync(cached, cancellationToken).ConfigureAwait(false) is var hit && (bundle || Keccak.Hash(hit) == expected))
        {
            bytes = hit;
        }
        else
        {
            bytes = await CommittedFiles.ItemsAsync(created.TaskPoolURI, expected, bundle, "task pool", "the sponsor published another file; do not label it", cancellationToken).ConfigureAwait(false);
        }

        await RememberAsync(cached, bytes, cancellationToken).ConfigureAwait(false);
        try
        {
            var items = await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(bytes), created.TaskPoolURI, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new CuratorTaskPool(items, spec);
        }
        catch (FileFormatException e)
        {
            throw new RefusalException($"the market's task pool is malformed ({e.Message}): the oracles will sign a verdict; do not stake on it");
        }
    }

    /// <summary>
    /// Verified task pools by the hash their market committed to (FMP_CACHE, else ~/.cache/fmp/task-pools): a commit
    /// after <c>fmp curator tasks</c> does not fetch (and, for a features spec, hash gigabytes of features) again.
    /// </summary>
    private static string CacheFolder => Environment.GetEnvironmentVariable("FMP_CACHE") is { Length: > 0 } root
        ? Path.Combine(root, "task-pools")
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "fmp", "task-pools");

    // Content-addressed, so concurrent writers write the same bytes; a cache that cannot be written only costs a fetch.
    private static async Task RememberAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Next time it is fetched again.
        }
    }

    /// <summary>The fewest labels a valid file holds under the market's spec (0: no minimum).</summary>
    public int MinimumLabels => Spec?.InRun?.MinLabelsFor(Items.Count) ?? 0;

    /// <summary>The items <paramref name="address"/> may label (all of them when the spec does not assign).</summary>
    public IReadOnlyList<TaskItem> For(string? address, System.Numerics.BigInteger marketId)
    {
        if (!Assigns)
        {
            return Items;
        }

        if (address is null)
        {
            throw new RefusalException($"market {marketId} assigns items per address (spec {Spec!.Name}): give --keystore or --address to get yours", RefusalCode.InvalidInput);
        }

        var assignment = new ItemAssignment(marketId, Spec!.InRun!.ShareFor(Items.Count));
        return [.. Items.Where(i => assignment.IsAssigned(address, i.Id))];
    }
}
