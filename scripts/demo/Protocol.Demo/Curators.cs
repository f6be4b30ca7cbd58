using Nethereum.Signer;
using Protocol.Core.Hashing;
using Protocol.Evaluation.Tests;

namespace Protocol.Demo;

/// <summary>A curator of the demo market: its key, what kind it is, its labels.</summary>
internal sealed class DemoCurator(EthECKey key, string kind, IReadOnlyList<Label> labels, double? agreement)
{
    public EthECKey Key { get; } = key;

    public string Address { get; } = key.GetPublicAddress().ToLowerInvariant();

    public string Kind { get; } = kind;

    public IReadOnlyList<Label> Labels { get; } = labels;

    /// <summary>Agreement with the other crowd workers' majority (crowd workers only): a quality measure the oracles never see.</summary>
    public double? Agreement { get; } = agreement;

    public Bytes32 LabelsHash { get; set; }

    public Bytes32 Salt => Keccak.Hash([.. Key.GetPrivateKeyAsBytes(), 0x5a]);
}

internal static class Curators
{
    /// <summary>
    /// The crowd workers of UKPConvArg1 with their own labels, the injected random, flipped and
    /// constant-"a" curators, a copier of the most prolific worker's file, and one that never reveals.
    /// The copier holds no file at commit time (the original is revealed only after the commit deadline):
    /// it commits to <see cref="CopierPlaceholder"/> and later tries to reveal the copied file.
    /// </summary>
    public static List<DemoCurator> From(UkpConvArg1 crowd)
    {
        var list = new List<DemoCurator>();
        foreach (var c in crowd.Input.Curators)
        {
            var kind = crowd.Kind[c.Address] switch { "constant" => "always a", var k => k };
            list.Add(new DemoCurator(KeyFor(c.Address), kind, c.Labels, crowd.Agreement.TryGetValue(c.Address, out var a) ? a : null));
        }

        var prolific = crowd.Input.Curators.Where(c => crowd.Kind[c.Address] == "crowd").MaxBy(c => c.Labels.Count)!;
        list.Add(new DemoCurator(KeyFor("copier"), "copier", prolific.Labels, null));
        list.Add(new DemoCurator(KeyFor("no reveal"), "no reveal", prolific.Labels.Take(50).ToList(), null));
        return list;
    }

    /// <summary>What the copier commits to: nothing it can open later with someone else's file.</summary>
    public static Bytes32 CopierPlaceholder { get; } = Keccak.Hash(System.Text.Encoding.UTF8.GetBytes("fmp-demo: the copier has no labels before the reveals"));

    public static async Task<Bytes32> WriteAsync(string path, IEnumerable<CanonicalLine> lines)
    {
        var bytes = CanonicalWriter.ToBytes(lines);
        await File.WriteAllBytesAsync(path, bytes);
        return Keccak.Hash(bytes);
    }

    private static EthECKey KeyFor(string name) => new(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes("fmp-demo:" + name)).ToArray(), true);
}
