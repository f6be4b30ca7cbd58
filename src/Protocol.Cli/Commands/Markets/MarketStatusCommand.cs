using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Client.Markets;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Markets;

/// <summary>
/// <c>fmp market status</c>: one market as its sponsor and curators need to see it: the phase, every deadline in local
/// time and relative to the chain's clock, commits and reveals, stakes, attestations, the accepted digest, and what
/// happens next (and who must act).
/// </summary>
public sealed class MarketStatusCommand : AsyncCommand<MarketStatusCommand.Settings>
{
    public sealed class Settings : MarketSettings
    {
        [CommandOption("--wait <PHASE>")]
        [Description("First wait until the market is in this phase (open, reveal, evaluation, challenge, disputed, finalized, cancelled, forfeited); exit 1 if it settles otherwise or --timeout passes.")]
        public string? Wait { get; init; }

        [CommandOption("--timeout <DURATION>")]
        [Description("How long --wait waits (90s, 10m, 1h). Default 10m.")]
        public string Timeout { get; init; } = "10m";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            if (settings.Wait is { } wait)
            {
                await WaitAsync(m, wait, Durations.Parse(settings.Timeout, "--timeout"), cancellationToken).ConfigureAwait(false);
            }

            var (id, c, s, phase) = (m.Id, m.Config, m.State, m.Phase);
            var logs = await MarketLogs.ReadAsync(m.Reader, m.Market, id, new LogWindow(settings.StartBlock, 10_000), cancellationToken).ConfigureAwait(false);
            var commits = MarketLogs.Decode<CommittedEvent>(logs).Count;
            var reveals = MarketLogs.Decode<RevealedEvent>(logs).Count;
            var attestations = MarketLogs.Decode<AttestedEvent>(logs).Count(a => a.Round == s.Round);
            string Amount(BigInteger wei) => m.Token.Format(wei);

            var ci = CultureInfo.InvariantCulture;
            (string, string)[] rows =
            [
                ("market", $"{id} at {m.Market}"),
                ("phase", m.PhaseName + (phase.IsRecorded((MarketStatus)s.Status) ? "" : " (due: not recorded on chain yet)") + $", round {s.Round}"),
                ("sponsor", c.Sponsor),
                ("pool", Amount(c.RewardPool)),
                ("curators", $"{commits.ToString(ci)} committed, {reveals.ToString(ci)} revealed; staked {Amount(s.TotalStaked)}, revealed stake {Amount(s.TotalRevealedStake)}"),
                ("commits until", m.At(c.CommitDeadline)),
                ("reveals until", m.At(c.RevealDeadline)),
                ("gold set", s.GoldRevealed ? $"revealed ({new Bytes32(s.GoldHash)})" : $"hidden; must be revealed before {m.At(c.GoldDeadline)}"),
                ("evaluation until", m.At(s.EvaluationDeadline)),
                ("attestations", $"{attestations.ToString(ci)} in round {s.Round} (quorum {c.Quorum})"),
                ("accepted", s.AcceptedAt == 0 ? "no report yet" : $"{new Bytes32(s.AcceptedDigest)}{(s.ResultsRoot.All(b => b == 0) ? " (a verdict: the sponsor's inputs are unusable)" : "")}, challenge window until {m.At(MarketPhases.ChallengeEnds(c, s))}"),
                ("next", Next(phase, s, c, m.At, Amount)),
            ];
            foreach (var (name, value) in rows)
            {
                await Console.Out.WriteLineAsync($"{name,-17}{value}").ConfigureAwait(false);
            }

            return 0;
        });

    // Polls the phase (it moves with blocks and with the chain's clock) and says on one line what it is waiting for.
    private static async Task WaitAsync(MarketSession m, string wait, ulong timeout, CancellationToken cancellationToken)
    {
        if (!MarketPhases.TryParse(wait, out var wanted) || wanted == MarketPhase.None)
        {
            throw new RefusalException($"--wait {wait}: not a phase; use one of {string.Join(", ", MarketPhases.Reachable.Select(p => p.Name()))}", RefusalCode.InvalidInput);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(timeout);
        await Console.Out.WriteLineAsync($"waiting up to {ChainTime.Span(timeout)} for market {m.Id} to reach phase {wait} (now {m.PhaseName})…").ConfigureAwait(false);
        while (m.Phase != wanted)
        {
            if (m.Phase.IsSettled())
            {
                throw new RefusalException($"market {m.Id} settled as {m.PhaseName}; it will never be {wait}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new RefusalException($"market {m.Id} is still in phase {m.PhaseName} after {ChainTime.Span(timeout)}; are the oracles running (fmp node status)?");
            }

            await Task.Delay(1_000, cancellationToken).ConfigureAwait(false);
            await m.RefreshAsync().ConfigureAwait(false);
        }
    }

    private static string Next(MarketPhase phase, MarketState s, MarketConfig c, Func<ulong, string> at, Func<BigInteger, string> amount)
    {
        var status = (MarketStatus)s.Status;
        string End() => at(phase.Deadline(c, s)!.Value);
        return phase switch
        {
            MarketPhase.Open => $"curators commit until {End()}",
            MarketPhase.Reveal => $"curators reveal until {End()}; then the sponsor reveals the gold set (fmp market reveal-gold), before {at(c.GoldDeadline)}",
            MarketPhase.Evaluation when !s.GoldRevealed => $"the sponsor must reveal the gold set (fmp market reveal-gold) before {End()}; otherwise the market forfeits (stakes back; the pool burned once anyone revealed)",
            MarketPhase.Evaluation => $"oracles evaluate and attest until {End()}; without a report by then the market cancels",
            MarketPhase.Challenge => $"anyone but its signers may dispute the accepted report until {End()}; then curators claim",
            MarketPhase.Disputed => $"the arbiter resolves the dispute by {End()}; after that anyone may cancel",
            MarketPhase.Finalized when status == MarketStatus.Finalized && s.Claimed == s.TotalPayout => $"nothing: every leaf is claimed ({amount(s.Claimed)} of {amount(s.TotalPayout)}) and the oracle fee is credited",
            MarketPhase.Finalized => $"curators claim their leaves (fmp curator claim --reports <an oracle's URL>); claimed so far {amount(s.Claimed)} of {amount(s.TotalPayout)}; the pool's remainder leaf is the burn address's, not the sponsor's" + (status == MarketStatus.Finalized ? "" : "; anyone may record it (fmp market finalize) to credit the oracle fee"),
            _ when phase.IsFailed() && status.IsFailed() && s.Balance == 0 => "nothing: every stake is refunded and the pool is credited",
            _ when phase.IsFailed() => $"curators take their stakes back (fmp curator claim); {amount(s.Balance)} still held by the market" + (status.IsFailed() ? "" : "; anyone may record it (fmp market cancel) to credit the pool"),
            _ => "nothing",
        };
    }
}
