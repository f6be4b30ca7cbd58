using Protocol.Core.Files;

namespace Protocol.Client.Datasets;

/// <summary>One curator's revealed labels, as read from its verified label file.</summary>
public sealed record CuratorLabelFile(string Curator, IReadOnlyList<Label> Labels);

/// <summary>What an export holds, and what it left out.</summary>
public sealed record DatasetCounts(
    int Curators, int Labels, int LabelledComparisons, int Aggregated, int ZeroWeightComparisons, int TiedComparisons,
    int WeightedCurators, int InvalidCurators);

/// <summary>The two tables of an export and their counts.</summary>
public sealed record DatasetTables(IReadOnlyList<LabelRow> Labels, IReadOnlyList<AggregateRow> Aggregate, DatasetCounts Counts);

/// <summary>
/// Builds the exported dataset from a settled market: every revealed label with its curator's weight, and per labelled
/// comparison the value-weighted vote.
/// <para>
/// A curator's <b>label weight</b> is its value per label, floored at zero and scaled so that the best curator's labels weigh
/// 1: <c>weight_c = max(v_c / n_c, 0) / max_k max(v_k / n_k, 0)</c>, with v_c the value the accepted report gives it
/// (scores.jsonl <c>v</c>) and n_c its label count there (0 for all when no curator has positive value; 0 for a curator the
/// report marks invalid). Per label, not per curator, because v is additive in labels (docs/evaluation.md): a curator's
/// total grows with how many labels it sent, while how far one of its labels can be trusted is its value per label.
/// </para>
/// <para>
/// The <b>aggregate</b> of a comparison: W_a and W_b are the sums of the label weights for "a" and "b"; the chosen response is
/// the heavier side, <c>weight = |W_a − W_b|</c> (the weighted margin, in best-curator labels) and
/// <c>agreement = max(W_a, W_b) / (W_a + W_b)</c>. A comparison with W_a + W_b = 0 (only curators without positive value labelled
/// it) or W_a = W_b (no weighted majority) is left out and counted.
/// </para>
/// Weights are rounded to 9 decimals, so the JSON Lines and Parquet files hold the same numbers.
/// </summary>
public static class DatasetBuilder
{
    public const int WeightDecimals = 9;

    public static DatasetTables Build(
        IReadOnlyList<TaskItem> tasks, IReadOnlyList<CuratorLabelFile> files, IReadOnlyDictionary<string, ScoreLine> scores, IReadOnlyDictionary<(string Curator, string Id), long>? labelValues = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(scores);
        var weights = Weights(files.Select(f => f.Curator), scores);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tasks.Count; i++)
        {
            position[tasks[i].Id] = i;
        }

        // Labels on ids outside the task pool cannot be turned into texts; a report marks such a file invalid anyway.
        var byItem = new List<(string Curator, Preference Pref)>?[tasks.Count];
        var labels = new List<LabelRow>();
        foreach (var file in files.OrderBy(f => f.Curator, StringComparer.Ordinal))
        {
            var score = scores[file.Curator];
            foreach (var label in file.Labels)
            {
                if (!position.TryGetValue(label.Id, out var i))
                {
                    continue;
                }

                (byItem[i] ??= []).Add((file.Curator, label.Pref));
                var (chosen, rejected) = Oriented(tasks[i], label.Pref);
                labels.Add(new LabelRow
                {
                    Comparison = label.Id, Prompt = tasks[i].Prompt, Chosen = chosen, Rejected = rejected, Pref = Name(label.Pref),
                    Curator = file.Curator, ScoreBps = score.ScoreBps, Value = score.Value, Weight = weights[file.Curator],
                    LabelValue = labelValues is null ? null : labelValues.GetValueOrDefault((file.Curator, label.Id)),
                });
            }
        }

        labels.Sort((x, y) => position[x.Comparison] != position[y.Comparison]
            ? position[x.Comparison].CompareTo(position[y.Comparison])
            : string.CompareOrdinal(x.Curator, y.Curator));

        var aggregate = new List<AggregateRow>();
        int labelled = 0, zero = 0, tied = 0;
        for (var i = 0; i < tasks.Count; i++)
        {
            if (byItem[i] is not { } votes)
            {
                continue;
            }

            labelled++;
            var forA = votes.Where(v => v.Pref == Preference.A).Sum(v => weights[v.Curator]);
            var forB = votes.Where(v => v.Pref == Preference.B).Sum(v => weights[v.Curator]);
            if (forA + forB <= 0)
            {
                zero++;
                continue;
            }

            if (forA == forB)
            {
                tied++;
                continue;
            }

            var pref = forA > forB ? Preference.A : Preference.B;
            var (chosen, rejected) = Oriented(tasks[i], pref);
            aggregate.Add(new AggregateRow
            {
                Comparison = tasks[i].Id, Prompt = tasks[i].Prompt, Chosen = chosen, Rejected = rejected, Pref = Name(pref),
                Weight = Round(Math.Abs(forA - forB)), Agreement = Round(Math.Max(forA, forB) / (forA + forB)),
                Votes = votes.Count, Agreeing = votes.Count(v => v.Pref == pref),
                Curators = [.. votes.Select(v => v.Curator).Order(StringComparer.Ordinal)],
            });
        }

        var counts = new DatasetCounts(files.Count, labels.Count, labelled, aggregate.Count, zero, tied,
            weights.Values.Count(w => w > 0), files.Count(f => !scores[f.Curator].Valid));
        return new DatasetTables(labels, aggregate, counts);
    }

    /// <summary>Each curator's label weight (see the class summary); every curator must have a scores line.</summary>
    public static Dictionary<string, double> Weights(IEnumerable<string> curators, IReadOnlyDictionary<string, ScoreLine> scores)
    {
        ArgumentNullException.ThrowIfNull(curators);
        ArgumentNullException.ThrowIfNull(scores);
        var perLabel = curators.Distinct(StringComparer.Ordinal).ToDictionary(c => c, c =>
        {
            var s = scores[c];
            return s.Valid && s.Labels > 0 ? Math.Max(0.0, (double)s.Value / s.Labels) : 0.0;
        }, StringComparer.Ordinal);
        var best = perLabel.Values.DefaultIfEmpty(0).Max();
        return perLabel.ToDictionary(kv => kv.Key, kv => best > 0 ? Round(kv.Value / best) : 0.0, StringComparer.Ordinal);
    }

    private static (string Chosen, string Rejected) Oriented(TaskItem task, Preference pref) =>
        pref == Preference.A ? (task.A, task.B) : (task.B, task.A);

    private static string Name(Preference pref) => pref == Preference.A ? "a" : "b";

    private static double Round(double value) => Math.Round(value, WeightDecimals, MidpointRounding.AwayFromZero);
}
