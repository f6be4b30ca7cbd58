namespace Protocol.Evaluation.Tests;

/// <summary>
/// Quality on real crowd data (docs/evaluation.md): the spec's own parameters on the UKPConvArg1 market
/// (147 curators, 18,754 labels), with 32 permutations instead of 64 to keep the test near half a
/// minute on two cores. The run is deterministic, so the figures are fixed, not flaky.
/// </summary>
public sealed class UkpConvArg1Tests
{
    [Fact]
    public void Values_track_worker_quality_and_separate_injected_bad_curators()
    {
        var market = UkpConvArg1.Load(UkpConvArg1.DataDirectory(RepositoryFiles.Root));
        Assert.Equal(138, market.Agreement.Count);
        Assert.Equal(9, market.Injected.Count);
        var spec = EvaluationSpec.Load(RepositoryFiles.SpecPath) with { Permutations = 32 };
        var result = EvaluationEngine.Evaluate(spec, market.Input, new EvaluationOptions { Backend = EvaluationBackend.Cpu });
        var spearman = market.Spearman(result);
        var auroc = market.Auroc(result);
        Assert.True(spearman >= 0.40, $"Spearman {spearman:F3}; {market.Summary(result)}");
        Assert.True(auroc >= 0.95, $"AUROC {auroc:F3}; {market.Summary(result)}");
        Assert.True(result.Metrics.GoldAccuracy > 0.7, $"gold accuracy {result.Metrics.GoldAccuracy}");
        Assert.All(result.Curators.Where(c => market.Kind[c.Address] == "flipped"), c => Assert.True(c.ScoreBps < 0));
    }
}
