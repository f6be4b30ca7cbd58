namespace Protocol.Features.Bench;

/// <summary>One spec's figures on one dataset, a run per seed.</summary>
internal sealed record SpecSeries(BenchSpec Spec, List<RunFigures> Runs)
{
    public Stats Accuracy => Stats.Of(Runs.Select(r => r.GoldAccuracy));

    public Stats Spearman => Stats.Of(Runs.Select(r => r.Spearman));

    public Stats Seconds => Stats.Of(Runs.Select(r => r.Seconds));

    public Stats LabelsPerCurator(int curators) => Stats.Of(Runs.Select(r => (double)r.Labels / curators));
}

/// <summary>One cell of the hyperparameter grid of the MiniLM spec, a run per seed; the crowd's figure on UKPConvArg1.</summary>
internal sealed record GridCell(double LearningRate, int Iterations, List<RunFigures> Runs)
{
    public CrowdFigures? Crowd { get; set; }

    public Stats Accuracy => Stats.Of(Runs.Select(r => r.GoldAccuracy));

    public Stats Spearman => Stats.Of(Runs.Select(r => r.Spearman));

    public Stats Seconds => Stats.Of(Runs.Select(r => r.Seconds));
}

/// <summary>Everything measured on one dataset.</summary>
internal sealed class DatasetResult(Dataset data, IReadOnlyList<BenchSpec> specs, IReadOnlyList<(double Lr, int Iterations)> grid)
{
    public Dataset Data => data;

    public int Pool { get; set; }

    public int Gold { get; set; }

    public double EmbedSeconds { get; set; }

    public List<SpecSeries> Specs { get; } = [.. specs.Select(s => new SpecSeries(s, []))];

    public List<GridCell> Grid { get; } = [.. grid.Select(g => new GridCell(g.Lr, g.Iterations, []))];

    public List<CrowdFigures> Crowd { get; } = [];

    /// <summary>Assigned labels per curator over every seed (they fall short of L when the pool is small).</summary>
    public List<int> AssignedLabels { get; } = [];

    public SpecSeries Of(string label) => Specs.Single(s => s.Spec.Label == label);
}
