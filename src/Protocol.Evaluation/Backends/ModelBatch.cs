using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Backends;

/// <summary>
/// B Bradley–Terry models trained side by side, each on its own coalition of curators (step 2). The
/// coalition state (label counts per item) is kept on the host; backends differ only in how they run
/// <see cref="Train"/> and <see cref="GoldMargins"/>, and must produce the same integers.
/// </summary>
internal abstract class ModelBatch : IDisposable
{
    protected ModelBatch(PreparedMarket market, int capacity, double learningRate, double l2)
    {
        Market = market;
        Capacity = capacity;
        LearningRate = learningRate;
        L2 = l2;
        var n = market.Items.Count;
        Positive = new int[capacity][];
        Negative = new int[capacity][];
        Active = new List<int>[capacity];
        LabelCount = new long[capacity];
        for (var b = 0; b < capacity; b++)
        {
            Positive[b] = new int[n];
            Negative[b] = new int[n];
            Active[b] = [];
        }
    }

    public PreparedMarket Market { get; }

    public int Capacity { get; }

    public abstract string Name { get; }

    protected double LearningRate { get; }

    protected double L2 { get; }

    /// <summary>Labels preferring a, per model and item.</summary>
    protected int[][] Positive { get; }

    /// <summary>Labels preferring b, per model and item.</summary>
    protected int[][] Negative { get; }

    /// <summary>Items with at least one label, per model (insertion order; order never matters).</summary>
    protected List<int>[] Active { get; }

    /// <summary>Labels in each model's coalition (N of the mean loss).</summary>
    protected long[] LabelCount { get; }

    /// <summary>Sets model b to w = 0 and the empty coalition.</summary>
    public virtual void Reset(int b)
    {
        Array.Clear(Positive[b]);
        Array.Clear(Negative[b]);
        Active[b].Clear();
        LabelCount[b] = 0;
        ResetWeights(b);
    }

    /// <summary>Sets model b's weights back to 0, keeping its coalition (a cold start).</summary>
    public void ClearWeights(int b) => ResetWeights(b);

    /// <summary>Adds one curator's labels to model b's coalition (weights are kept: warm start).</summary>
    public virtual void AddCurator(int b, int curator)
    {
        var ex = Market.Curators[curator];
        var pos = Positive[b];
        var neg = Negative[b];
        for (var l = 0; l < ex.Items.Length; l++)
        {
            var i = ex.Items[l];
            if (pos[i] + neg[i] == 0)
            {
                Active[b].Add(i);
            }

            if (ex.Signs[l] > 0)
            {
                pos[i]++;
            }
            else
            {
                neg[i]++;
            }
        }

        LabelCount[b] += ex.Items.Length;
    }

    /// <summary>Items in model b's coalition and their nonzero feature entries (for the work count).</summary>
    public (long Items, long Nonzeros) CoalitionSize(int b)
    {
        var start = Market.Items.RowStart;
        long nnz = 0;
        foreach (var i in Active[b])
        {
            nnz += start[i + 1] - start[i];
        }

        return (Active[b].Count, nnz);
    }

    /// <summary>Runs <paramref name="iterations"/> full-batch gradient steps on every model whose flag is set.</summary>
    public abstract void Train(bool[] active, int iterations, CancellationToken ct);

    /// <summary>Gold margins (units of 2^−39) of every flagged model into margins[b].</summary>
    public abstract void GoldMargins(bool[] active, long[][] margins, CancellationToken ct);

    /// <summary>The step constant for the gradient term: η / (N · 2^15), 0 for an empty coalition.</summary>
    protected double GradientStep(int b) =>
        LabelCount[b] == 0 ? 0.0 : LearningRate / (LabelCount[b] * 32768.0);

    /// <summary>The step constant for the L2 term: η · λ.</summary>
    protected double DecayStep => LearningRate * L2;

    protected abstract void ResetWeights(int b);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
