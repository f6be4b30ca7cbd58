using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Node.Signing;
using Spectre.Console.Cli;
using BalanceOf = Protocol.Core.Contracts.TestTokenBindings.BalanceOfFunction;

namespace Protocol.Cli.Commands;

/// <summary>
/// <c>fmp curator claim</c>: take what a market owes the key. A settled market pays its leaf: the leaf and proof come
/// from an oracle's published report (<c>&lt;reports&gt;/reports/&lt;market&gt;/&lt;round&gt;/leaves.json</c>) and are checked
/// against the accepted root before anything is sent. A cancelled or forfeited market refunds the stake.
/// </summary>
public sealed class CuratorClaimCommand : AsyncCommand<CuratorClaimCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--rpc <URL>")]
        [Description("JSON-RPC endpoint of the chain (required).")]
        public string? Rpc { get; init; }

        [CommandOption("--market <ADDRESS>")]
        [Description("The FeedbackMarket contract (required; deployments/<chainId>.json \"market\").")]
        public string? Market { get; init; }

        [CommandOption("--market-id <ID>")]
        [Description("The market's id (required).")]
        public string? MarketId { get; init; }

        [CommandOption("-k|--keystore <FILE>")]
        [Description("Web3 Secret Storage file of the curator's key (required; fmp keys new, or cast/geth).")]
        public string? Keystore { get; init; }

        [CommandOption("-p|--password-file <FILE>")]
        [Description("File holding the keystore password (required).")]
        public string? PasswordFile { get; init; }

        [CommandOption("--reports <URL>")]
        [Description("Where an oracle publishes its reports, e.g. http://127.0.0.1:9466 (its Node:ReportsPort); needed for a settled market.")]
        public string? Reports { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        OracleGuard.RunAsync(async () =>
        {
            var (rpc, market, id) = Check(settings);
            var address = await Keystore.TryReadAddressAsync(settings.Keystore!, cancellationToken).ConfigureAwait(false)
                ?? (await Keystore.UnlockAsync(settings.Keystore!, settings.PasswordFile!, cancellationToken).ConfigureAwait(false)).GetPublicAddress();
            var reader = new Web3(rpc);
            var phase = await reader.CallAsync<PhaseFunction, byte>(market, new PhaseFunction { MarketId = id }).ConfigureAwait(false);
            var state = (await reader.QueryAsync<MarketStateFunction, MarketStateOutput>(market, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            var config = (await reader.QueryAsync<MarketConfigFunction, MarketConfigOutput>(market, new MarketConfigFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            await Console.Out.WriteLineAsync($"curator {address}, market {id} at {market}: phase {PhaseName(phase)}").ConfigureAwait(false);

            FunctionMessageWithName send;
            if (phase is 7 or 8)
            {
                var mine = (await reader.QueryAsync<SubmissionFunction, SubmissionOutput>(market, new SubmissionFunction { MarketId = id, Curator = address }).ConfigureAwait(false)).ReturnValue1;
                if (mine.Stake.IsZero)
                {
                    throw new OracleCommandException($"{address} did not commit to market {id}: it has nothing to refund");
                }

                if (mine.Refunded)
                {
                    throw new OracleCommandException($"the stake of {address} in market {id} was already refunded");
                }

                send = new("refund", new RefundFunction { MarketId = id, Curator = address });
            }
            else if (phase == 6)
            {
                send = new("claim", await ClaimFromReportAsync(reader, settings.Reports, market, id, address, state, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                throw new OracleCommandException($"market {id} is in phase {PhaseName(phase)}: claims open once it is finalized (after the challenge window), refunds once it is cancelled or forfeited");
            }

            var key = await Keystore.UnlockAsync(settings.Keystore!, settings.PasswordFile!, cancellationToken).ConfigureAwait(false);
            var chainId = (await reader.Eth.ChainId.SendRequestAsync().ConfigureAwait(false)).Value;
            var before = await reader.CallAsync<BalanceOf, BigInteger>(config.Token, new BalanceOf { Account = address }).ConfigureAwait(false);
            var sender = new TransactionSender(new Web3(new Account(key, chainId), rpc), address);
            var receipt = send.Message switch
            {
                ClaimFunction claim => await sender.SendAsync(market, claim, cancellationToken).ConfigureAwait(false),
                RefundFunction refund => await sender.SendAsync(market, refund, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException("unexpected message"),
            };
            var after = await reader.CallAsync<BalanceOf, BigInteger>(config.Token, new BalanceOf { Account = address }).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{send.Name}: tx {receipt.TransactionHash}, gas used {receipt.GasUsed.Value}; paid {after - before} (token base units) to {address}")).ConfigureAwait(false);
            return 0;
        });

    private static (string Rpc, string Market, BigInteger Id) Check(Settings s) =>
        (s.Rpc!, s.Market!, MarketOptions.Check("fmp curator claim", s.Rpc, s.MarketId,
            (s.Rpc, "--rpc"), (s.Market, "--market"), (s.MarketId, "--market-id"), (s.Keystore, "--keystore"), (s.PasswordFile, "--password-file")));

    // The leaf and proof from the oracle's leaves.json, checked against the accepted root and the claimed flags.
    private static async Task<ClaimFunction> ClaimFromReportAsync(IWeb3 reader, string? reports, string market, BigInteger id, string address, MarketState state, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reports) || !Uri.TryCreate(reports, UriKind.Absolute, out var baseUri))
        {
            throw new OracleCommandException("--reports is required for a settled market: the URL where an oracle publishes its reports, e.g. http://127.0.0.1:9466", 2);
        }

        var url = new Uri(baseUri, $"/reports/{id.ToString(CultureInfo.InvariantCulture)}/{state.Round.ToString(CultureInfo.InvariantCulture)}/leaves.json");
        string json;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            json = await http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new OracleCommandException($"cannot fetch {url}: {e.Message}; check --reports (the oracle's Node:ReportsPort and ReportsAddress)");
        }

        using var document = JsonDocument.Parse(json);
        var root = Bytes32.Parse(document.RootElement.GetProperty("root").GetString()!);
        var accepted = new Bytes32(state.ResultsRoot);
        if (root != accepted)
        {
            throw new OracleCommandException($"{url} is a report with root {root}, but the market accepted {accepted}: that oracle's report was not the one accepted; use another oracle's --reports");
        }

        var entry = document.RootElement.GetProperty("leaves").EnumerateArray()
            .FirstOrDefault(l => string.Equals(l.GetProperty("account").GetString(), address, StringComparison.OrdinalIgnoreCase));
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new OracleCommandException($"the accepted report has no leaf for {address}: it was not a curator of market {id} (or committed with another key)");
        }

        var leaf = new PayoutLeaf(id, entry.GetProperty("account").GetString()!, BigInteger.Parse(entry.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture), entry.GetProperty("scoreBps").GetInt32());
        var proof = entry.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!)).ToList();
        if (!MerkleTree.Verify(accepted, leaf.Hash, proof))
        {
            throw new OracleCommandException($"the proof for {address} in {url} does not lead to the accepted root {accepted}: the file is corrupt; use another oracle's --reports");
        }

        if (await reader.CallAsync<IsClaimedFunction, bool>(market, new IsClaimedFunction { Leaf = leaf.Hash.ToArray() }).ConfigureAwait(false))
        {
            throw new OracleCommandException($"the leaf of {address} in market {id} ({leaf.Amount} base units) was already claimed");
        }

        await Console.Out.WriteLineAsync($"leaf: amount {leaf.Amount} (token base units), score {leaf.ScoreBps} bps, proof of {proof.Count} checked against the accepted root").ConfigureAwait(false);
        return new ClaimFunction { MarketId = id, Account = leaf.Account, Amount = leaf.Amount, ScoreBps = leaf.ScoreBps, Proof = [.. proof.Select(p => p.ToArray())] };
    }

    private static string PhaseName(byte phase) => phase switch
    {
        1 => "open", 2 => "reveal", 3 => "evaluation", 4 => "challenge", 5 => "disputed", 6 => "finalized", 7 => "cancelled", 8 => "forfeited",
        _ => "none (no such market)",
    };

    private sealed record FunctionMessageWithName(string Name, Nethereum.Contracts.FunctionMessage Message);
}
