using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.InRun;

/// <summary>bt-inrun-v2 end to end: validate (with item assignment), one training run, valuation, results.</summary>
internal static class InRunEvaluation
{
    public static EvaluationResult Evaluate(
        EvaluationSpec spec, MarketInput input, string[] addresses, EvaluationOptions options, IProgress<EvaluationProgress>? progress, CancellationToken ct)
    {
        var p = spec.InRun!;
        var reasons = input.Curators.Select(c => c.InvalidReason).ToArray();
        var threads = Math.Max(1, options.MaxThreads);
        var assignment = new ItemAssignment(input.MarketId, p.ShareFor(input.TaskPool.Count));
        var market = PreparedMarket.Build(spec, input, reasons, addresses, threads, ct, assignment, PreparedMarket.MaxInRunLabels, p.MinLabelsFor(input.TaskPool.Count));
        var run = new Trajectory(market, threads);
        run.Run(spec.Iterations, spec.LearningRate, spec.L2, progress, ct);
        var (values, figures) = Valuation.Compute(market, run.Signal, run.GoldSignal, input.TaskPool, input.Gold, p, threads, ct);

        var goldMargins = new long[market.GoldRows.Count];
        for (var g = 0; g < goldMargins.Length; g++)
        {
            goldMargins[g] = market.GoldRows.Dot(g, run.Weights);
        }

        var results = new CuratorResult[input.Curators.Count];
        for (var v = 0; v < market.CuratorCount; v++)
        {
            var c = market.ValidCurators[v];
            var value = values[v];
            results[c] = new CuratorResult(addresses[c], true, null, input.Curators[c].Labels.Count,
                (Int128)value.ValueMicro << FixedPoint.UtilityBits, value.ValueMicro / 1e6, value.ValueMicro, value.ScoreBps);
        }

        var labels = new List<LabelResult>(market.TotalLabels);
        for (var v = 0; v < market.CuratorCount; v++)
        {
            // Compact item indices ascend with task-pool position, so this orders each curator's labels by the pool.
            var (ex, written, shares) = (market.Curators[v], input.Curators[market.ValidCurators[v]].Labels, values[v].LabelMicro);
            foreach (var l in Enumerable.Range(0, ex.Items.Length).OrderBy(l => ex.Items[l]))
            {
                labels.Add(new LabelResult(addresses[market.ValidCurators[v]], written[l].Id, written[l].Pref, shares[l]));
            }
        }

        EvaluationEngine.CompleteWithInvalid(results, input, addresses, reasons);
        var metrics = new EvaluationMetrics
        {
            Spec = spec.Name,
            SpecHash = spec.Hash,
            Method = "inrun",
            Seed = "0x" + new string('0', 64),
            ValidCurators = market.CuratorCount,
            Labels = market.TotalLabels,
            LabelledItems = market.ItemRows.Count,
            GoldItems = market.GoldRows.Count,
            UtilityAllFixed = GoldUtility.Utility(goldMargins, market.GoldSigns),
            UtilityEmptyFixed = GoldUtility.Empty(market.GoldRows.Count),
            GoldCorrectHalves = GoldUtility.CorrectHalves(goldMargins, market.GoldSigns),
            ValueDenominator = 1_000_000,
            TrainingsRun = 1,
            Permutations = 0,
            Truncations = 0,
            MultiplyAdds = run.MultiplyAdds,
            DenseFlops = 5.0 * spec.Iterations * ((double)market.ItemRows.Count + market.GoldRows.Count) * market.Dim,
            Backend = $"cpu ({threads} threads)",
            InRun = figures,
        };
        return new EvaluationResult(results, metrics) { Labels = labels };
    }
}
