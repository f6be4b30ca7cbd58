using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Node.Chain;
using Spectre.Console.Cli;
using Decimals = Protocol.Core.Contracts.TestTokenBindings.DecimalsFunction;
using Symbol = Protocol.Core.Contracts.TestTokenBindings.SymbolFunction;

namespace Protocol.Cli.Commands;

/// <summary>
/// <c>fmp market status</c>: one market as its sponsor and curators need to see it: the phase, every deadline in local
/// time and relative to the chain's clock, commits and reveals, stakes, attestations, the accepted digest, and what
/// happens next (and who must act).
/// </summary>
public sealed class MarketStatusCommand : AsyncCommand<MarketStatusCommand.Settings>
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
        [Description("The market's id (default: the latest market).")]
        public string? MarketId { get; init; }

        [CommandOption("--start-block <BLOCK>")]
        [Description("Block the market contract was deployed in, where its events are read from (default 0).")]
        public long StartBlock { get; init; }
    }

    private static readonly string[] Phases = ["none", "open", "reveal", "evaluation", "challenge", "disputed", "finalized", "cancelled", "forfeited"];

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        OracleGuard.RunAsync(async () =>
        {
            if (string.IsNullOrWhiteSpace(settings.Rpc) || !Uri.TryCreate(settings.Rpc, UriKind.Absolute, out var rpc) || rpc.Scheme is not ("http" or "https"))
            {
                throw new OracleCommandException($"--rpc must be an http(s) URL such as http://127.0.0.1:8545 (got \"{settings.Rpc}\")", 2);
            }

            if (string.IsNullOrWhiteSpace(settings.Market))
            {
                throw new OracleCommandException("--market is required (the FeedbackMarket address)", 2);
            }

            var web3 = new Web3(settings.Rpc);
            var market = settings.Market;
            var count = await web3.CallAsync<MarketCountFunction, BigInteger>(market, new MarketCountFunction()).ConfigureAwait(false);
            var id = settings.MarketId is null ? count : BigInteger.Parse(settings.MarketId, CultureInfo.InvariantCulture);
            if (id < 1 || id > count)
            {
                throw new OracleCommandException($"no market {id} at {market}: ids run from 1 to {count}");
            }

            var c = (await web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(market, new MarketConfigFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            var s = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(market, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            var phase = await web3.CallAsync<PhaseFunction, byte>(market, new PhaseFunction { MarketId = id }).ConfigureAwait(false);
            var now = (ulong)(await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false)).Timestamp.Value;
            var logs = await MarketLogs.ReadAsync(web3, market, id, new LogWindow(settings.StartBlock, 10_000), cancellationToken).ConfigureAwait(false);
            var commits = MarketSnapshot.Decode<CommittedEvent>(logs).Count;
            var reveals = MarketSnapshot.Decode<RevealedEvent>(logs).Count;
            var attestations = MarketSnapshot.Decode<AttestedEvent>(logs).Count(a => a.Round == s.Round);
            var decimals = await OracleSession.OptionalAsync(() => web3.CallAsync<Decimals, int>(c.Token, new Decimals())).ConfigureAwait(false);
            var symbol = await OracleSession.OptionalAsync(() => web3.CallAsync<Symbol, string>(c.Token, new Symbol())).ConfigureAwait(false) ?? "tokens";
            string Amount(BigInteger wei) => decimals is { } d ? $"{TokenAmount.Format(wei, d)} {symbol} ({wei} wei)" : $"{wei} wei";
            string At(ulong t) => ChainTime.Describe(t, now);

            var ci = CultureInfo.InvariantCulture;
            (string, string)[] rows =
            [
                ("market", $"{id} at {market}"),
                ("phase", Phases[phase] + (Recorded(phase, s.Status) ? "" : " (due: not recorded on chain yet)") + $", round {s.Round}"),
                ("sponsor", c.Sponsor),
                ("pool", Amount(c.RewardPool)),
                ("curators", $"{commits.ToString(ci)} committed, {reveals.ToString(ci)} revealed; staked {Amount(s.TotalStaked)}, revealed stake {Amount(s.TotalRevealedStake)}"),
                ("commits until", At(c.CommitDeadline)),
                ("reveals until", At(c.RevealDeadline)),
                ("gold set", s.GoldRevealed ? $"revealed ({new Bytes32(s.GoldHash)})" : $"hidden; must be revealed before {At(c.GoldDeadline)}"),
                ("evaluation until", At(s.EvaluationDeadline)),
                ("attestations", $"{attestations.ToString(ci)} in round {s.Round} (quorum {c.Quorum})"),
                ("accepted", s.AcceptedAt == 0 ? "no report yet" : $"{new Bytes32(s.AcceptedDigest)}{(s.ResultsRoot.All(b => b == 0) ? " (a verdict: the sponsor's inputs are unusable)" : "")}, challenge window until {At(s.AcceptedAt + c.ChallengePeriod)}"),
                ("next", Next(phase, s, c, At)),
            ];
            foreach (var (name, value) in rows)
            {
                await Console.Out.WriteLineAsync($"{name,-17}{value}").ConfigureAwait(false);
            }

            return 0;
        });

    // Whether the stored status already says what phase() derives (terminal phases are due before anyone records them).
    private static bool Recorded(byte phase, byte status) => phase switch
    {
        6 => status == 3,
        7 => status == 4,
        8 => status == 5,
        _ => true,
    };

    private static string Next(byte phase, MarketState s, MarketConfig c, Func<ulong, string> at) => phase switch
    {
        1 => $"curators commit until {at(c.CommitDeadline)}",
        2 => $"curators reveal until {at(c.RevealDeadline)}; then the sponsor reveals the gold set, before {at(c.GoldDeadline)}",
        3 when !s.GoldRevealed => $"the sponsor must reveal the gold set before {at(c.GoldDeadline)}; otherwise the market forfeits (stakes back; the pool to the treasury once anyone revealed)",
        3 => $"oracles evaluate and attest until {at(s.EvaluationDeadline)}; without a report by then the market cancels",
        4 => $"anyone but its signers may dispute the accepted report until {at(s.AcceptedAt + c.ChallengePeriod)}; then curators claim",
        5 => $"the arbiter resolves the dispute by {at(s.DisputedAt + 30 * 24 * 3600)}; after that anyone may cancel",
        6 => "curators claim their leaves (fmp curator claim --reports <an oracle's URL>)" + (s.Status == 3 ? "" : "; anyone may call finalize to credit the oracle fee"),
        7 or 8 => "curators take their stakes back (fmp curator claim)" + (s.Status is 4 or 5 ? "" : $"; anyone may call {(phase == 7 ? "cancel" : "forfeit")} to credit the pool"),
        _ => "nothing",
    };
}
