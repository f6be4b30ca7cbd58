using System.Globalization;
using Nethereum.ABI.FunctionEncoding;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;

namespace Protocol.Core.Contracts;

/// <summary>A contract revert explained by its custom error's name and arguments (the protocol's and ERC-20's errors).</summary>
public static class RevertExplanation
{
    private static readonly Lazy<Dictionary<string, Nethereum.ABI.Model.ErrorABI>> Errors = new(() =>
    {
        var errors = new Dictionary<string, Nethereum.ABI.Model.ErrorABI>(StringComparer.OrdinalIgnoreCase);
        foreach (var json in new[] { OracleRegistryAbi.Json, TestTokenAbi.Json, Protocol.Core.Contracts.FeedbackMarketBindings.FeedbackMarketAbi.Json })
        {
            foreach (var error in Nethereum.ABI.ABIDeserialisation.ABIDeserialiserFactory.DeserialiseContractABI(json).Errors)
            {
                errors.TryAdd(Selector(error.Sha3Signature), error);
            }
        }

        return errors;
    });

    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["BondTooLow"] = "a first bond must be at least the registry's minBond (amounts in wei)",
        ["OracleNotRegistrable"] = "status 2 is exiting (withdraw first), 3 is slashed (banned for good)",
        ["OracleNotActive"] = "the key is not an active oracle (not registered, exiting, slashed, or still within the registry's activation delay)",
        ["OracleNotExiting"] = "run `fmp oracle exit` first",
        ["UnbondingNotOver"] = "withdrawableAt is a unix time on the chain's clock",
        ["OracleLocked"] = "part of the bond is locked behind accepted reports until their markets settle",
        ["InsufficientFreeBond"] = "the oracle's unlocked bond is below its share of the report's security (top up with `fmp oracle register --top-up`)",
        ["SignerCannotDispute"] = "a signer of the accepted report cannot dispute it",
        ["DisputeExpired"] = "the arbiter's time is over: cancel the market instead",
        ["InvalidDisputeBond"] = "the dispute bond must lie between 1% of the reward pool and the pool",
        ["EvaluationWindowTooShort"] = "evaluationDeadline must be at least 12 h after goldDeadline",
        ["UnsupportedToken"] = "the token delivered less than was sent (fee-on-transfer tokens are not supported)",
        ["ERC20InsufficientBalance"] = "the key holds too few bond tokens",
        ["ERC20InsufficientAllowance"] = "the registry may not take that many tokens: approve it first",
    };

    /// <summary>E.g. <c>BondTooLow(amount: 5, minBond: 10) — a first bond must be …</c>; unknown data is shown as hex.</summary>
    public static string Describe(string? revertData)
    {
        if (string.IsNullOrEmpty(revertData) || Selector(revertData).Length < 8)
        {
            return "a revert without an error";
        }

        if (!Errors.Value.TryGetValue(Selector(revertData), out var error))
        {
            return $"an error this program does not know (data {revertData})";
        }

        var arguments = new FunctionCallDecoder().DecodeError(error, revertData)
            .Select(a => $"{a.Parameter.Name}: {Value(a.Result)}");
        var text = $"{error.Name}({string.Join(", ", arguments)})";
        return Hints.TryGetValue(error.Name, out var hint) ? $"{text}: {hint}" : text;
    }

    private static string Selector(string hex) => (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex) is var h && h.Length >= 8 ? h[..8] : h;

    private static string Value(object? value) => value switch
    {
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        null => "null",
        _ => value.ToString() ?? "",
    };
}
