using System.Numerics;
using Protocol.Client.Chain;
using Protocol.Client.Markets;
using Protocol.Client.Signing;

namespace Protocol.Demo;

/// <summary>
/// The crowd workers' commit, reveal and claim, made in the demo's own process with Protocol.Client: the calls
/// <c>fmp curator commit</c>, <c>reveal</c> and <c>claim</c> make, with the curator's key in memory instead of a
/// keystore file, over one connection, and without a process (and a runtime start) for each of some hundred curators.
/// </summary>
internal sealed class LibraryCurators
{
    private readonly ChainConnection _chain;
    private readonly BigInteger _marketId;

    private LibraryCurators(ChainConnection chain, BigInteger marketId) => (_chain, _marketId) = (chain, marketId);

    /// <summary>Connects to the market contract once (its registry and chain are read here, not for every curator).</summary>
    public static async Task<LibraryCurators> ConnectAsync(string rpcUrl, string market, BigInteger marketId) =>
        new(await ChainConnection.ConnectAsync(rpcUrl, market, CancellationToken.None), marketId);

    /// <summary>Where <c>fmp curator commit</c> keeps a label file's salt by default: the file's name with .commit.json.</summary>
    public static string SecretsFor(string labelsFile) => Path.ChangeExtension(labelsFile, null) + ".commit.json";

    /// <summary>Opens the market as <paramref name="curator"/> (its state read now) and runs <paramref name="call"/>.</summary>
    public async Task ActAsync(DemoCurator curator, Func<MarketSession, Task> call) =>
        await call(await MarketSession.OpenAsync(_chain, _marketId, Signer.FromKey(_chain, curator.Key)));
}
