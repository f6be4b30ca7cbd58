using Protocol.Client.Fetching;
using Protocol.Core.Hashing;

namespace Protocol.Client.Markets;

/// <summary>
/// Whether the gold set is already public before the market exists. A new sponsor kept the gold file in the folder
/// it served the task pool from, so its URI answered every gold question while `fmp market create` said "keep
/// secret". Looked at: the gold URI itself, and the URL the gold file has when it sits under the task pool's served
/// folder (`fmp serve` publishes the whole folder). Local file URIs are nobody else's to read and are not checked.
/// </summary>
public static class GoldExposure
{
    public static async Task<string?> ProblemAsync(MarketPlan plan, CancellationToken cancellationToken)
    {
        foreach (var uri in Candidates(plan).Distinct(StringComparer.Ordinal))
        {
            if (await ServedHashAsync(uri, cancellationToken).ConfigureAwait(false) == plan.Gold.Hash)
            {
                return $"{uri} already serves the gold set ({plan.Gold.Path}): anyone can read every gold answer before the reveal. "
                    + "Keep the gold file outside the served folder (e.g. private/gold.jsonl), stop serving it, and run this again; nothing was sent";
            }
        }

        return null;
    }

    private static IEnumerable<string> Candidates(MarketPlan plan)
    {
        if (IsRemote(plan.Gold.Uri))
        {
            yield return plan.Gold.Uri;
        }

        // The gold file inside (a subfolder of) the folder the task pool is served from has a URL there too.
        var taskFolder = Path.GetDirectoryName(plan.Tasks.Path)!;
        var relative = Path.GetRelativePath(taskFolder, plan.Gold.Path);
        if (IsRemote(plan.Tasks.Uri) && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
        {
            var escaped = string.Join('/', relative.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
            yield return new Uri(new Uri(plan.Tasks.Uri), escaped).AbsoluteUri;
        }
    }

    private static bool IsRemote(string uri) => Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" or "ipfs";

    // One quick try: an unserved URI is the normal case and must not hold the sponsor up.
    private static async Task<Bytes32?> ServedHashAsync(string uri, CancellationToken cancellationToken)
    {
        var result = await CommittedFiles.Fetcher(CommittedFiles.Http, new Protocol.Client.Fetching.FetchOptions { Attempts = 1, Timeout = TimeSpan.FromSeconds(5) })
            .FetchAsync(uri, cancellationToken).ConfigureAwait(false);
        return result.Bytes is { } bytes ? Keccak.Hash(bytes) : null;
    }
}
