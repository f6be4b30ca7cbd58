using System.Text.Json;

namespace Protocol.Core.Contracts;

/// <summary>
/// A compiled contract as <c>forge build</c> writes it: <c>contracts/out/&lt;File&gt;.sol/&lt;Name&gt;.json</c>.
/// The ABI and creation bytecode come from the build output rather than from copies in C#, so the
/// bindings can never deploy a stale contract.
/// </summary>
/// <param name="Name">Contract name, e.g. <c>TestToken</c>.</param>
/// <param name="AbiJson">The ABI as a JSON array.</param>
/// <param name="Bytecode">Creation bytecode, 0x-prefixed hex.</param>
public sealed record ContractArtifact(string Name, string AbiJson, string Bytecode)
{
    /// <summary>Loads <paramref name="contractName"/> from a forge output folder.</summary>
    /// <param name="outDirectory">forge's <c>out</c> folder (<c>contracts/out</c> in this repository).</param>
    /// <param name="contractName">The contract name.</param>
    /// <param name="sourceFileName">The source file name when it differs from <c>&lt;contractName&gt;.sol</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ContractArtifactException">The artifact is missing or malformed.</exception>
    public static async Task<ContractArtifact> LoadAsync(
        string outDirectory,
        string contractName,
        string? sourceFileName = null,
        CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(outDirectory, sourceFileName ?? contractName + ".sol", contractName + ".json");
        if (!File.Exists(path))
        {
            throw new ContractArtifactException(path, "file not found; run `forge build` first");
        }

        await using var stream = File.OpenRead(path);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new ContractArtifactException(path, "not valid JSON: " + e.Message, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("abi", out var abi) || abi.ValueKind != JsonValueKind.Array)
            {
                throw new ContractArtifactException(path, "no `abi` array");
            }

            if (!root.TryGetProperty("bytecode", out var bytecode)
                || !bytecode.TryGetProperty("object", out var code)
                || code.GetString() is not { Length: > 2 } hex
                || !hex.StartsWith("0x", StringComparison.Ordinal))
            {
                throw new ContractArtifactException(path, "no creation bytecode (`bytecode.object`); is it an interface or abstract contract?");
            }

            return new ContractArtifact(contractName, abi.GetRawText(), hex);
        }
    }
}

/// <summary>A forge artifact that cannot be used, with the file and the reason.</summary>
public sealed class ContractArtifactException : Exception
{
    public ContractArtifactException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        ArtifactPath = path;
    }

    /// <summary>The artifact file that was read.</summary>
    public string ArtifactPath { get; }
}
