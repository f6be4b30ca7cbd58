using System.ComponentModel;
using Protocol.Client.Markets;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Curators;

/// <summary>
/// <c>fmp curator claim</c>: take what a market owes the key. A settled market pays its leaf: the leaf and proof come
/// from an oracle's published report (<c>&lt;reports&gt;/reports/&lt;market&gt;/&lt;round&gt;/leaves.json</c>) and are checked
/// against the accepted root before anything is sent. A cancelled or forfeited market refunds the stake.
/// </summary>
public sealed class CuratorClaimCommand : AsyncCommand<CuratorClaimCommand.Settings>
{
    public sealed class Settings : MarketKeySettings
    {
        [CommandOption("--reports <URL>")]
        [Description("Where an oracle publishes its reports, e.g. http://127.0.0.1:9466 (its Node:ReportsPort; or FMP_REPORTS); needed for a settled market.")]
        public string? Reports { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{m.Address}, market {m.Id} at {m.Market}: phase {m.PhaseName}").ConfigureAwait(false);
            var done = await CuratorActions.ClaimAsync(m, settings.Reports ?? Environment.GetEnvironmentVariable("FMP_REPORTS"), cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(done switch
            {
                { Kind: ClaimKind.Nothing } => done.Note,
                { Leaf: { } leaf } => $"paid {m.Token.Format(done.Paid)} to {m.Address} (leaf: amount {leaf.Amount} token base units, score {leaf.ScoreBps} bps, proof of {done.ProofLength} checked against the accepted root)",
                _ => $"paid {m.Token.Format(done.Paid)} to {m.Address} (the stake refunded)",
            }).ConfigureAwait(false);
            return 0;
        });
}
