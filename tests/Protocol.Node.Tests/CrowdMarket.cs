using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Signer;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Client.Signing;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.Evaluation;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;
using Protocol.Node.Signing;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>A small market built from real UKPConvArg1 crowd data in a scratch folder, and oracle nodes that read it.</summary>
internal sealed class CrowdMarket(string _dir)
{
    public async Task<OracleNode> NodeAsync(AnvilFixture anvil, PostgresDatabaseFixture db, ProtocolDeployment d, int account, string gateway,
        Action<FetchOptions>? configure = null, PolicyOptions? policy = null)
    {
        var fetch = new FetchOptions { IpfsGateway = gateway + "/ipfs/", Timeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(fetch);
        fetch.FileRoots.Add(_dir);
        fetch.FileRoots.Add(Path.Combine(RepositoryLayout.Root, "specs"));
        var fetcher = new InputFetcher(new HttpClient(), fetch, NullLogger<InputFetcher>.Instance);
        var loader = new SubmissionLoader(fetcher, FileReadOptions.Default, NullLogger<SubmissionLoader>.Instance);
        var pipeline = new EvaluationPipeline(fetcher, loader, new EvaluationOptions { Backend = EvaluationBackend.Cpu }, NullLogger<EvaluationPipeline>.Instance);
        var key = new EthECKey(AnvilFixture.DevPrivateKeys[account]);
        var ledger = new ReportLedger(db.DataSource, AnvilFixture.ChainId, d.MarketAddress, key.GetPublicAddress());
        await ledger.EnsureSchemaAsync(CancellationToken.None);
        return new OracleNode(anvil.Web3For(account), d.MarketAddress, AnvilFixture.ChainId, key, ledger, pipeline,
            Path.Combine(_dir, $"out-{account}"), NullLogger<OracleNode>.Instance,
            new LogWindow(d.StartBlock, MaxRange: 3), policy); // a few blocks per eth_getLogs, as a strict provider allows
    }

    private readonly Dictionary<string, Preference> _majority = [];

    public Preference Majority(string id) => _majority[id];

    public static Preference Flip(Preference p) => p == Preference.A ? Preference.B : Preference.A;

    // Task pool: the first 80 pairs of one debate that have a strict majority; gold: the next 40 (or other counts).
    public (List<TaskItem> Tasks, List<GoldItem> Gold) LoadCrowdData(int taskCount = 80, int goldCount = 40)
    {
        var file = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "data", "ukpconvarg1"), "*.jsonl").Order(StringComparer.Ordinal).First();
        var items = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("majority", out var m) && m.ValueKind == JsonValueKind.String)
            .Take(taskCount + goldCount).ToList();
        foreach (var e in items)
        {
            _majority[e.GetProperty("id").GetString()!] = e.GetProperty("majority").GetString() == "a" ? Preference.A : Preference.B;
        }

        TaskItem Task(JsonElement e) => new(e.GetProperty("id").GetString()!, e.GetProperty("prompt").GetString()!, e.GetProperty("a").GetString()!, e.GetProperty("b").GetString()!);
        return ([.. items.Take(taskCount).Select(Task)], [.. items.Skip(taskCount).Select(Task).Select(t => new GoldItem(t.Id, t.Prompt, t.A, t.B, _majority[t.Id]))]);
    }

    public async Task<Bytes32> WriteAsync(string name, IEnumerable<CanonicalLine> lines)
    {
        var bytes = CanonicalWriter.ToBytes(lines);
        await File.WriteAllBytesAsync(Path.Combine(_dir, name), bytes);
        return Keccak.Hash(bytes);
    }

    /// <summary>Embeds the comparisons into &lt;kind&gt;.features in the market folder (the sponsor's committed features).</summary>
    public async Task WriteFeaturesAsync(Protocol.Embeddings.MiniLmEmbedder embedder, string kind, Bytes32 itemsHash, IReadOnlyList<Protocol.Embeddings.ComparisonText> items)
    {
        await using var stream = File.Create(Path.Combine(_dir, kind + ".features"));
        await Protocol.Embeddings.ComparisonFeatures.WriteAsync(embedder, items, kind, itemsHash, Protocol.Embeddings.EmbeddedText.Response, stream);
    }
}
