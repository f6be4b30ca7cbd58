using System.Numerics;
using System.Text.Json;
using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>The cross-language vectors in tests/vectors (written by scripts/vectors/generate.mjs, read by Foundry too).</summary>
internal static class Vectors
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(RepositoryLayout.Root, "tests", "vectors", name);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static BigInteger Big(this JsonElement e, string name) =>
        e.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? new BigInteger(n.GetInt64()) : BigInteger.Parse(e.Str(name), System.Globalization.CultureInfo.InvariantCulture);

    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();

    public static Bytes32 B32(this JsonElement e, string name) => Bytes32.Parse(e.Str(name));

    public static IEnumerable<JsonElement> Items(this JsonElement e, string name) => e.GetProperty(name).EnumerateArray();
}
