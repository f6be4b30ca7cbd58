using Protocol.Client.Chain;
using Protocol.Client.Markets;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;

namespace Protocol.Client.Datasets;

/// <summary>An export: the checked inputs, the tables built from them, and the files written.</summary>
public sealed record DatasetExportResult(SettledMarket Inputs, DatasetTables Tables, IReadOnlyList<string> Written);

/// <summary>
/// The dataset a finalized market yields: every revealed label with its curator's value and the value-weighted vote,
/// from files each checked against the chain (<see cref="SettledMarketInputs"/>), written as JSON Lines (and Parquet),
/// with TRL's and OpenAI's preference forms beside them (<see cref="DatasetFiles"/>).
/// </summary>
public static class DatasetExport
{
    /// <summary>
    /// Reads market <see cref="MarketSession.Id"/>'s inputs (the accepted report's files from an oracle's
    /// <paramref name="reports"/> URL), builds the tables and writes them to <paramref name="outDir"/>; refused
    /// (<see cref="RefusalCode.WrongPhase"/>, saying when) unless the market is finalized.
    /// </summary>
    public static async Task<DatasetExportResult> ExportAsync(MarketSession m, Uri reports, string outDir, bool parquet, long startBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Phase != MarketPhase.Finalized)
        {
            throw new RefusalException($"market {m.Id} is in phase {m.PhaseName}: {WhenPossible(m.Phase, m.Config, m.State, m.Now)}", RefusalCode.WrongPhase);
        }

        var inputs = await new SettledMarketInputs(m.Reader, m.Market, m.Id)
            .ReadAsync(m.Config, m.State, reports, startBlock, cancellationToken).ConfigureAwait(false);
        var tables = DatasetBuilder.Build(inputs.Tasks, inputs.Files, inputs.Scores, inputs.LabelValues);
        var written = await DatasetFiles.WriteAsync(tables, outDir, parquet, cancellationToken).ConfigureAwait(false);
        return new DatasetExportResult(inputs, tables, written);
    }

    private static string WhenPossible(MarketPhase phase, MarketConfig c, MarketState s, ulong now) => phase switch
    {
        MarketPhase.Open or MarketPhase.Reveal => $"the dataset can be exported once the market is finalized: after the reveals (until {ChainTime.Describe(c.RevealDeadline, now)}), the evaluation and the challenge window",
        MarketPhase.Evaluation => $"the dataset can be exported once a report is accepted (oracles evaluate until {ChainTime.Describe(s.EvaluationDeadline, now)}) and its challenge window has passed",
        MarketPhase.Challenge => $"the dataset can be exported once the challenge window ends, {ChainTime.Describe(MarketPhases.ChallengeEnds(c, s), now)}",
        MarketPhase.Disputed => "the accepted report is disputed; the dataset can be exported once the arbiter lets it stand and the market is finalized",
        MarketPhase.Cancelled or MarketPhase.Forfeited => "it settled without an accepted report's scores, so there is no valued dataset to export (the label files are still at the URIs in its Revealed events)",
        _ => "no such market",
    };
}
