namespace Protocol.Evaluation.Model;

/// <summary>One curator's labels as (item index, +1 for a / −1 for b).</summary>
internal readonly record struct CuratorExamples(int[] Items, sbyte[] Signs);

/// <summary>
/// The featurised market: quantised comparisons of the labelled task items and of the gold set, and the
/// valid curators' labels as item indices. Curators are in address order (the spec's canonical order).
/// </summary>
internal sealed class PreparedMarket
{
    /// <summary>Most labels of valid curators a v1 market may hold (keeps its int64 gradients exact).</summary>
    public const int MaxLabels = 1 << 22;

    /// <summary>Most labels of valid curators a v2 (in-run) market may hold: its gradients are summed in 128 bits.</summary>
    public const int MaxInRunLabels = 1 << 24;

    /// <summary>Most gold comparisons (keeps the int64 utility sum exact).</summary>
    public const int MaxGold = 1 << 17;

    public required int Dim { get; init; }

    /// <summary>The labelled items' rows (n-grams: sparse; committed features: dense).</summary>
    public required FeatureRows ItemRows { get; init; }

    /// <summary>The gold set's rows.</summary>
    public required FeatureRows GoldRows { get; init; }

    /// <summary>The labelled items' n-gram rows, as v1's batched trainers read them.</summary>
    public SparseRows Items => ItemRows as SparseRows ?? throw new InvalidOperationException("bt-shapley-v1 trains on n-gram rows only");

    /// <summary>The gold set's n-gram rows.</summary>
    public SparseRows Gold => GoldRows as SparseRows ?? throw new InvalidOperationException("bt-shapley-v1 trains on n-gram rows only");

    /// <summary>+1 where gold prefers a, −1 where b.</summary>
    public required sbyte[] GoldSigns { get; init; }

    /// <summary>Labels of each valid curator, in the order of <see cref="ValidCurators"/>.</summary>
    public required CuratorExamples[] Curators { get; init; }

    /// <summary>Indices into the input's curator list of the valid curators, in address order.</summary>
    public required int[] ValidCurators { get; init; }

    public int CuratorCount => Curators.Length;

    /// <summary>Task-pool index of each labelled item (the compact item order is ascending pool order).</summary>
    public required int[] ItemPoolIndex { get; init; }

    /// <summary>
    /// Per curator, the gradient its labels contribute at w = 0: Σ over its labels of ∓2^23 · x (exact int64).
    /// At w = 0 every p is T[4096] = 2^23, so r = 2^23 (n⁻ − n⁺) and a coalition's first gradient is the sum
    /// of its curators' vectors — the CPU path uses this to skip the first pass over the data.
    /// </summary>
    public long[][] ZeroGradients => zeroGradients ??= BuildZeroGradients();

    private long[][]? zeroGradients;

    private long[][] BuildZeroGradients()
    {
        var result = new long[Curators.Length][];
        var half = FixedPoint.SigmoidTable[FixedPoint.SigmoidCentre];
        for (var c = 0; c < Curators.Length; c++)
        {
            var g = new long[Dim];
            var ex = Curators[c];
            for (var l = 0; l < ex.Items.Length; l++)
            {
                var i = ex.Items[l];
                var r = ex.Signs[l] > 0 ? half - (1L << FixedPoint.ProbabilityBits) : half;
                for (var e = Items.RowStart[i]; e < Items.RowStart[i + 1]; e++)
                {
                    g[Items.Columns[e]] += r * Items.Values[e];
                }
            }

            result[c] = g;
        }

        return result;
    }

    public int TotalLabels => Curators.Sum(c => c.Items.Length);

    public static PreparedMarket Build(EvaluationSpec spec, MarketInput input, string?[] invalidReasons, string[] addresses, int maxThreads, CancellationToken ct, InRun.ItemAssignment? assignment = null, int maxLabels = MaxLabels, int minLabels = 0)
    {
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < input.TaskPool.Count; i++)
        {
            itemIndex.TryAdd(input.TaskPool[i].Id, i);
        }

        var order = Enumerable.Range(0, input.Curators.Count)
            .OrderBy(i => addresses[i], StringComparer.Ordinal)
            .ToArray();
        // One keccak per label: checked for every curator in parallel before the (sequential) validation.
        var unassigned = new string?[input.Curators.Count];
        if (assignment is { Everything: false })
        {
            Parallel.For(0, input.Curators.Count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads, CancellationToken = ct }, c =>
                unassigned[c] = input.Curators[c].Labels?.FirstOrDefault(l => l?.Id is not null && !assignment.IsAssigned(addresses[c], l.Id))?.Id);
        }

        var valid = new List<int>();
        var usedItems = new SortedSet<int>();
        foreach (var c in order)
        {
            if (invalidReasons[c] is not null)
            {
                continue;
            }

            var seen = new HashSet<int>();
            if (input.Curators[c].Labels is null)
            {
                invalidReasons[c] = "no label list";
                continue;
            }

            foreach (var label in input.Curators[c].Labels)
            {
                if (label is null || label.Id is null || !itemIndex.TryGetValue(label.Id, out var item))
                {
                    invalidReasons[c] = $"unknown task id '{Truncate(label?.Id)}'";
                    break;
                }

                if (label.Pref is not (Preference.A or Preference.B))
                {
                    invalidReasons[c] = $"invalid preference for task id '{Truncate(label.Id)}'";
                    break;
                }

                if (!seen.Add(item))
                {
                    invalidReasons[c] = $"duplicate task id '{Truncate(label.Id)}'";
                    break;
                }
            }

            if (invalidReasons[c] is null && unassigned[c] is { } id)
            {
                invalidReasons[c] = $"task id '{Truncate(id)}' is not assigned to this address (the spec gives each address {assignment!.SharePpm} ppm of the pool)";
            }

            if (invalidReasons[c] is null && seen.Count < minLabels)
            {
                // A copy or replica at a second address keeps only the items both addresses were given: too few to count.
                invalidReasons[c] = $"{seen.Count} labels; the spec asks each address for at least {minLabels} of its assigned items";
            }

            if (invalidReasons[c] is null)
            {
                valid.Add(c);
                usedItems.UnionWith(seen);
            }
        }

        var compact = new Dictionary<int, int>();
        var usedList = usedItems.ToArray();
        for (var k = 0; k < usedList.Length; k++)
        {
            compact[usedList[k]] = k;
        }

        var curators = new CuratorExamples[valid.Count];
        long total = 0;
        for (var v = 0; v < valid.Count; v++)
        {
            var labels = input.Curators[valid[v]].Labels;
            var items = new int[labels.Count];
            var signs = new sbyte[labels.Count];
            for (var l = 0; l < labels.Count; l++)
            {
                items[l] = compact[itemIndex[labels[l].Id]];
                signs[l] = labels[l].Pref == Preference.A ? (sbyte)1 : (sbyte)-1;
            }

            curators[v] = new CuratorExamples(items, signs);
            total += items.Length;
        }

        if (total > maxLabels)
        {
            throw new ArgumentException($"{total} labels exceed the spec's limit of {maxLabels}");
        }

        if (input.Gold.Count > MaxGold)
        {
            throw new ArgumentException($"{input.Gold.Count} gold items exceed the spec's limit of {MaxGold}");
        }

        var (itemRows, goldRows) = spec.Features == FeatureKind.Committed
            ? Committed(input, usedList, spec.FeaturesModel, ct)
            : NGrams(spec.Dim, input, usedList, maxThreads, ct);

        return new PreparedMarket
        {
            Dim = itemRows.Dim,
            ItemRows = itemRows,
            GoldRows = goldRows,
            GoldSigns = input.Gold.Select(g => g.Pref == Preference.A ? (sbyte)1 : (sbyte)-1).ToArray(),
            Curators = curators,
            ValidCurators = [.. valid],
            ItemPoolIndex = usedList,
        };
    }

    private static (FeatureRows Items, FeatureRows Gold) NGrams(int dim, MarketInput input, int[] usedList, int maxThreads, CancellationToken ct)
    {
        var featuriser = new Featuriser(dim);
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads, CancellationToken = ct };
        // Each row is compressed as soon as it is featurised: memory grows with the nonzeros, not items × dim.
        var itemRows = new (int[], int[])[usedList.Length];
        Parallel.For(0, usedList.Length, options, k =>
        {
            var t = input.TaskPool[usedList[k]];
            itemRows[k] = SparseRows.Compress(featuriser.Comparison(t.A ?? string.Empty, t.B ?? string.Empty));
        });
        var goldRows = new (int[], int[])[input.Gold.Count];
        Parallel.For(0, input.Gold.Count, options, k =>
        {
            var g = input.Gold[k];
            goldRows[k] = SparseRows.Compress(featuriser.Comparison(g.A ?? string.Empty, g.B ?? string.Empty));
        });
        return (SparseRows.FromCompressed(dim, itemRows), SparseRows.FromCompressed(dim, goldRows));
    }

    /// <summary>The committed rows of the labelled items (streamed: only those are kept) and of the gold set.</summary>
    private static (FeatureRows Items, FeatureRows Gold) Committed(MarketInput input, int[] usedList, string? model, CancellationToken ct)
    {
        var f = input.Features ?? throw new ArgumentException("the spec reads committed features, and the market input has none");
        var problem = FeatureBinding.Mismatch(f.Tasks.Header, "tasks", input.TaskPool.Count) ?? FeatureBinding.Mismatch(f.Gold.Header, "gold", input.Gold.Count);
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }

        // A spec that names its embedder (featuresModel) judges only with it: curators know which model values their labels.
        foreach (var (file, kind) in new[] { (f.Tasks, "task pool"), (f.Gold, "gold set") })
        {
            if (model is not null && file.Header.Model != model)
            {
                throw new ArgumentException($"the spec requires features made by {model}; the {kind}'s features file ({file.Name}) was made by {file.Header.Model}");
            }
        }

        if (f.Tasks.Header.Dim != f.Gold.Header.Dim || f.Tasks.Header.ScaleBits != f.Gold.Header.ScaleBits)
        {
            throw new ArgumentException($"the task pool's features ({f.Tasks.Header.Dim} dims at 2^-{f.Tasks.Header.ScaleBits}) and the gold set's ({f.Gold.Header.Dim} at 2^-{f.Gold.Header.ScaleBits}) differ");
        }

        var h = f.Tasks.Header;
        return (new DenseRows(h.Dim, h.ScaleBits, f.Tasks.ReadRows(usedList, ct)), new DenseRows(h.Dim, h.ScaleBits, f.Gold.ReadAll(ct)));
    }

    private static string Truncate(string? id) => id is null ? "(null)" : id.Length <= 64 ? id : id[..64] + "…";
}
