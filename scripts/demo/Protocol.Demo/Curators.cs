using Nethereum.Signer;
using Protocol.Core.Hashing;

namespace Protocol.Demo;

/// <summary>A curator of the demo market: its key, what kind it is, its labels.</summary>
internal sealed class DemoCurator(EthECKey key, string kind, IReadOnlyList<Label> labels, double? agreement, string? copies = null)
{
    public EthECKey Key { get; } = key;

    public string Address { get; } = key.GetPublicAddress().ToLowerInvariant();

    public string Kind { get; } = kind;

    public IReadOnlyList<Label> Labels { get; } = labels;

    /// <summary>Agreement with the other crowd workers' majority (crowd workers only): a quality measure the oracles never see.</summary>
    public double? Agreement { get; } = agreement;

    /// <summary>The copier's: the address whose revealed file it copies.</summary>
    public string? Copies { get; } = copies;

    /// <summary>
    /// Whether it acts with fmp commands, as the guides show (the injected kinds), or through the client library in the
    /// demo's process (the crowd workers, some hundred of them).
    /// </summary>
    public bool TypesCommands => Kind != "crowd";

    /// <summary>The file it commits to (the copier's: one it never reveals).</summary>
    public string LabelsFile { get; set; } = "";

    /// <summary>Its keystore file, for the fmp commands (only when <see cref="TypesCommands"/>).</summary>
    public string Keystore { get; set; } = "";
}

internal static class Curators
{
    /// <summary>
    /// The crowd workers of UKPConvArg1 with their own labels, the injected random, flipped and
    /// constant-"a" curators, a copier of the most prolific worker's file, and one that never reveals.
    /// The copier holds no file at commit time (the original is revealed only after the commit deadline):
    /// it commits to a file of its own and later tries to reveal the copied file instead.
    /// </summary>
    public static List<DemoCurator> From(UkpConvArg1 crowd)
    {
        var list = new List<DemoCurator>();
        foreach (var c in crowd.Input.Curators)
        {
            var kind = crowd.Kind[c.Address] switch { "constant" => "always a", var k => k };
            list.Add(new DemoCurator(KeyFor(c.Address), kind, c.Labels, crowd.Agreement.TryGetValue(c.Address, out var a) ? a : null));
        }

        var prolific = list.Where(c => c.Kind == "crowd").MaxBy(c => c.Labels.Count)!;
        list.Add(new DemoCurator(KeyFor("copier"), "copier", prolific.Labels, null, prolific.Address));
        list.Add(new DemoCurator(KeyFor("no reveal"), "no reveal", prolific.Labels.Take(50).ToList(), null));
        return list;
    }

    public static async Task<Bytes32> WriteAsync(string path, IEnumerable<CanonicalLine> lines)
    {
        var bytes = CanonicalWriter.ToBytes(lines);
        await File.WriteAllBytesAsync(path, bytes);
        return Keccak.Hash(bytes);
    }

    private static EthECKey KeyFor(string name) => new(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes("fmp-demo:" + name)).ToArray(), true);
}
