using ILGPU;
using ILGPU.Runtime;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Backends;

/// <summary>Compressed sparse rows on the device.</summary>
internal readonly struct DeviceRows(ArrayView<int> start, ArrayView<int> columns, ArrayView<int> values)
{
    public readonly ArrayView<int> Start = start;
    public readonly ArrayView<int> Columns = columns;
    public readonly ArrayView<int> Values = values;
}

/// <summary>Per-model coalition state on the device.</summary>
internal readonly struct DeviceCoalitions(ArrayView<int> positive, ArrayView<int> negative, ArrayView<int> active, ArrayView<double> gradientStep, ArrayView<int> atZero)
{
    public readonly ArrayView<int> AtZero = atZero;
    public readonly ArrayView<int> Positive = positive;
    public readonly ArrayView<int> Negative = negative;
    public readonly ArrayView<int> Active = active;
    public readonly ArrayView<double> GradientStep = gradientStep;
}

/// <summary>
/// The CUDA backend: ILGPU kernels with the CPU path's integer arithmetic. No atomics: the forward kernel
/// runs one thread per (item, model); the backward kernel one thread per (feature, model), summing the
/// feature's column in int64 (exact, so the order is irrelevant) and applying the update in place.
/// </summary>
internal sealed class IlgpuModelBatch : ModelBatch
{
    private readonly IlgpuDevice device;
    private readonly Accelerator accelerator;
    private readonly MemoryBuffer1D<int, Stride1D.Dense>[] owned;
    private readonly DeviceRows items;
    private readonly DeviceRows columns;
    private readonly DeviceRows gold;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> table;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> weights;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> residuals;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> margins;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> positive;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> negative;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> activeFlags;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> steps;
    private readonly Action<Index1D, DeviceRows, ArrayView<long>, ArrayView<long>, DeviceCoalitions, ArrayView<long>, int> forward;
    private readonly Action<Index1D, DeviceRows, ArrayView<long>, ArrayView<int>, ArrayView<long>, int> backwardPartial;
    private readonly Action<Index1D, ArrayView<long>, DeviceCoalitions, ArrayView<long>, double, int> update;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> partials;
    private readonly Action<Index1D, DeviceRows, ArrayView<long>, ArrayView<int>, ArrayView<long>, int> goldKernel;
    private readonly Action<Index1D, ArrayView<long>, ArrayView<int>, int> zeroKernel;
    private readonly bool[] dirty;
    private readonly long[] hostMargins;
    private readonly int[] flagsHost;
    private readonly double[] stepsHost;
    private readonly int[] zeroHost;
    private readonly int[] positiveHost;
    private readonly int[] negativeHost;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> zeroFlags;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> resetFlags;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> atZero;
    private readonly int[] atZeroHost;
    private readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, int> resetCountsKernel;
    private readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>> addLabelsKernel;
    private readonly int[] addsSinceUpload;
    private readonly int[] resetHost;
    private readonly List<int>[] pendingCurators;
    private readonly System.Diagnostics.Stopwatch uploadTime = new();
    private readonly System.Diagnostics.Stopwatch trainTime = new();
    private readonly System.Diagnostics.Stopwatch goldTime = new();
    private MemoryBuffer1D<int, Stride1D.Dense>? addIndex;
    private MemoryBuffer1D<int, Stride1D.Dense>? addPositive;
    private int[] addIndexHost = [];
    private int[] addPositiveHost = [];
    private bool zeroPending;
    private bool resetPending;

    private IlgpuModelBatch(PreparedMarket market, int capacity, double learningRate, double l2, IlgpuDevice device)
        : base(market, capacity, learningRate, l2)
    {
        this.device = device;
        accelerator = device.Accelerator;
        var transposed = market.Items.Transpose();
        var list = new List<MemoryBuffer1D<int, Stride1D.Dense>>();
        DeviceRows Upload(SparseRows rows)
        {
            var s = accelerator.Allocate1D(rows.RowStart);
            var c = accelerator.Allocate1D(rows.Columns.Length == 0 ? [0] : rows.Columns);
            var v = accelerator.Allocate1D(rows.Values.Length == 0 ? [0] : rows.Values);
            list.AddRange([s, c, v]);
            return new DeviceRows(s.View, c.View, v.View);
        }

        items = Upload(market.Items);
        columns = Upload(transposed);
        gold = Upload(market.Gold);
        owned = [.. list];
        table = accelerator.Allocate1D(FixedPoint.SigmoidTable);
        weights = accelerator.Allocate1D<long>((long)capacity * market.Dim);
        residuals = accelerator.Allocate1D<long>(Math.Max(1L, (long)capacity * market.Items.Count));
        margins = accelerator.Allocate1D<long>(Math.Max(1L, (long)capacity * market.Gold.Count));
        positive = accelerator.Allocate1D<int>(Math.Max(1L, (long)capacity * market.Items.Count));
        negative = accelerator.Allocate1D<int>(Math.Max(1L, (long)capacity * market.Items.Count));
        activeFlags = accelerator.Allocate1D<int>(capacity);
        steps = accelerator.Allocate1D<double>(capacity);
        weights.MemSetToZero();
        positive.MemSetToZero();
        negative.MemSetToZero();
        forward = device.Kernel(nameof(ForwardKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, DeviceRows, ArrayView<long>, ArrayView<long>, DeviceCoalitions, ArrayView<long>, int>(ForwardKernel));
        backwardPartial = device.Kernel(nameof(BackwardPartialKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, DeviceRows, ArrayView<long>, ArrayView<int>, ArrayView<long>, int>(BackwardPartialKernel));
        update = device.Kernel(nameof(UpdateKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, DeviceCoalitions, ArrayView<long>, double, int>(UpdateKernel));
        partials = accelerator.Allocate1D<long>((long)capacity * market.Dim * ColumnChunks);
        goldKernel = device.Kernel(nameof(GoldKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, DeviceRows, ArrayView<long>, ArrayView<int>, ArrayView<long>, int>(GoldKernel));
        zeroKernel = device.Kernel(nameof(ZeroKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, ArrayView<int>, int>(ZeroKernel));
        dirty = new bool[capacity];
        flagsHost = new int[capacity];
        stepsHost = new double[capacity];
        zeroHost = new int[capacity];
        positiveHost = new int[Math.Max(1, capacity * market.Items.Count)];
        negativeHost = new int[Math.Max(1, capacity * market.Items.Count)];
        zeroFlags = accelerator.Allocate1D<int>(capacity);
        resetFlags = accelerator.Allocate1D<int>(capacity);
        atZero = accelerator.Allocate1D<int>(capacity);
        atZeroHost = new int[capacity];
        Array.Fill(atZeroHost, 1);
        resetCountsKernel = device.Kernel(nameof(ResetCountsKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, int>(ResetCountsKernel));
        addLabelsKernel = device.Kernel(nameof(AddLabelsKernel), a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>>(AddLabelsKernel));
        addsSinceUpload = new int[capacity];
        resetHost = new int[capacity];
        pendingCurators = new List<int>[capacity];
        for (var b = 0; b < capacity; b++)
        {
            pendingCurators[b] = [];
        }
        hostMargins = new long[Math.Max(1, capacity * market.Gold.Count)];
        Name = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? $"cuda ({accelerator.Name}, driver {CudaLibrary.Loaded ?? "default probing"})"
            : $"ilgpu-cpu ({accelerator.Name})";
    }

    /// <summary>Parts each feature column's reduction is split into.</summary>
    private const int ColumnChunks = 16;

    public override string Name { get; }

    /// <summary>Whether a CUDA GPU is usable (driver found, at least one device).</summary>
    public static bool CudaAvailable(out string detail)
    {
        var device = IlgpuDevice.Cuda;
        detail = device?.Accelerator.Name ?? IlgpuDevice.CudaProblem ?? "no CUDA device";
        return device is not null;
    }

    public static IlgpuModelBatch Create(PreparedMarket market, int capacity, double learningRate, double l2, bool cuda)
    {
        var device = cuda
            ? IlgpuDevice.Cuda ?? throw new InvalidOperationException("CUDA is not usable: " + IlgpuDevice.CudaProblem)
            : IlgpuDevice.Cpu;
        device.Gate.Wait();
        try
        {
            return new IlgpuModelBatch(market, capacity, learningRate, l2, device);
        }
        catch
        {
            device.Gate.Release();
            throw;
        }
    }

    public override void Reset(int b)
    {
        base.Reset(b);
        dirty[b] = true;
        resetHost[b] = 1;
        resetPending = true;
        pendingCurators[b].Clear();
        addsSinceUpload[b] = 0;
    }

    public override void AddCurator(int b, int curator)
    {
        base.AddCurator(b, curator);
        dirty[b] = true;
        pendingCurators[b].Add(curator);
        addsSinceUpload[b]++;
    }

    public override void Train(bool[] active, int iterations, CancellationToken ct)
    {
        Upload(active);
        trainTime.Start();
        var n = Market.Items.Count;
        var coalitions = new DeviceCoalitions(positive.View, negative.View, activeFlags.View, steps.View, atZero.View);
        for (var it = 0; it < iterations; it++)
        {
            ct.ThrowIfCancellationRequested();
            if (n > 0)
            {
                forward(Capacity * n, items, weights.View, table.View, coalitions, residuals.View, Capacity);
            }

            if (it == 0)
            {
                atZero.MemSetToZero(); // only the first step can start from w = 0
            }

            backwardPartial(Capacity * Market.Dim * ColumnChunks, columns, residuals.View, activeFlags.View, partials.View, Capacity);
            update(Capacity * Market.Dim, partials.View, coalitions, weights.View, DecayStep, Capacity);
        }

        accelerator.Synchronize();
        for (var b = 0; b < Capacity; b++)
        {
            atZeroHost[b] = active[b] && iterations > 0 ? 0 : atZeroHost[b];
        }

        trainTime.Stop();
    }

    public override void GoldMargins(bool[] active, long[][] margins, CancellationToken ct)
    {
        var g = Market.Gold.Count;
        if (g == 0)
        {
            return;
        }

        Upload(active);
        goldTime.Start();
        goldKernel(Capacity * g, gold, weights.View, activeFlags.View, this.margins.View, Capacity);
        accelerator.Synchronize();
        this.margins.View.CopyToCPU(hostMargins);
        for (var b = 0; b < Capacity; b++)
        {
            if (active[b])
            {
                var m = margins[b];
                for (var i = 0; i < g; i++)
                {
                    m[i] = hostMargins[((long)i * Capacity) + b];
                }
            }
        }

        goldTime.Stop();
    }

    protected override void ResetWeights(int b)
    {
        // Applied on the device at the next upload (see Upload): zero the rows of models being reset.
        zeroHost[b] = 1;
        zeroPending = true;
        atZeroHost[b] = 1;
    }

    private void Upload(bool[] active)
    {
        uploadTime.Start();
        for (var b = 0; b < Capacity; b++)
        {
            flagsHost[b] = active[b] ? 1 : 0;
            stepsHost[b] = GradientStep(b);
        }

        activeFlags.View.CopyFromCPU(flagsHost);
        atZero.View.CopyFromCPU(atZeroHost);
        steps.View.CopyFromCPU(stepsHost);
        if (zeroPending)
        {
            zeroFlags.View.CopyFromCPU(zeroHost);
            zeroKernel(Capacity * Market.Dim, weights.View, zeroFlags.View, Capacity);
            Array.Clear(zeroHost);
            zeroPending = false;
        }

        var n = Market.Items.Count;
        if (n == 0 || !dirty.Contains(true))
        {
            uploadTime.Stop();
            return;
        }

        if (addsSinceUpload.All(a => a <= 1))
        {
            UploadDeltas();
        }
        else
        {
            UploadAllCounts(n);
        }

        Array.Clear(dirty);
        Array.Clear(addsSinceUpload);
        Array.Clear(resetHost);
        resetPending = false;
        foreach (var list in pendingCurators)
        {
            list.Clear();
        }

        uploadTime.Stop();
    }

    /// <summary>At most one curator joined each model since the last upload: send only its labels (no write conflicts).</summary>
    private void UploadDeltas()
    {
        if (resetPending)
        {
            resetFlags.View.CopyFromCPU(resetHost);
            resetCountsKernel(Capacity * Market.Items.Count, positive.View, negative.View, resetFlags.View, Capacity);
        }

        var total = 0;
        for (var b = 0; b < Capacity; b++)
        {
            foreach (var c in pendingCurators[b])
            {
                total += Market.Curators[c].Items.Length;
            }
        }

        if (total == 0)
        {
            return;
        }

        if (addIndexHost.Length < total)
        {
            addIndexHost = new int[total * 2];
            addPositiveHost = new int[total * 2];
            addIndex?.Dispose();
            addPositive?.Dispose();
            addIndex = accelerator.Allocate1D<int>(addIndexHost.Length);
            addPositive = accelerator.Allocate1D<int>(addPositiveHost.Length);
        }

        var k = 0;
        for (var b = 0; b < Capacity; b++)
        {
            foreach (var c in pendingCurators[b])
            {
                var ex = Market.Curators[c];
                for (var l = 0; l < ex.Items.Length; l++)
                {
                    addIndexHost[k] = (ex.Items[l] * Capacity) + b;
                    addPositiveHost[k] = ex.Signs[l] > 0 ? 1 : 0;
                    k++;
                }
            }
        }

        ((ArrayView<int>)addIndex!.View).SubView(0, total).CopyFromCPU(new ReadOnlySpan<int>(addIndexHost, 0, total));
        ((ArrayView<int>)addPositive!.View).SubView(0, total).CopyFromCPU(new ReadOnlySpan<int>(addPositiveHost, 0, total));
        addLabelsKernel(total, addIndex.View, addPositive.View, positive.View, negative.View);
    }

    /// <summary>Several curators joined a model (exact enumeration, leave-one-out): send the whole count arrays.</summary>
    private void UploadAllCounts(int n)
    {
        // Every model, not only the changed ones: the delta path does not keep these host copies current.
        for (var b = 0; b < Capacity; b++)
        {
            var pos = Positive[b];
            var neg = Negative[b];
            for (var i = 0; i < n; i++)
            {
                positiveHost[((long)i * Capacity) + b] = pos[i];
                negativeHost[((long)i * Capacity) + b] = neg[i];
            }
        }

        positive.View.CopyFromCPU(positiveHost);
        negative.View.CopyFromCPU(negativeHost);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (Environment.GetEnvironmentVariable("FMP_EVALUATION_PROFILE") == "1")
            {
                Console.Error.WriteLine($"ilgpu profile: upload {uploadTime.Elapsed.TotalSeconds:F3} s, train {trainTime.Elapsed.TotalSeconds:F3} s, gold {goldTime.Elapsed.TotalSeconds:F3} s");
            }

            addIndex?.Dispose();
            addPositive?.Dispose();
            resetFlags.Dispose();
            atZero.Dispose();
            foreach (var buffer in owned)
            {
                buffer.Dispose();
            }

            table.Dispose();
            weights.Dispose();
            residuals.Dispose();
            margins.Dispose();
            positive.Dispose();
            negative.Dispose();
            activeFlags.Dispose();
            steps.Dispose();
            partials.Dispose();
            zeroFlags.Dispose();
            device.Gate.Release(); // the context and accelerator live as long as the process (see IlgpuDevice)
        }

        base.Dispose(disposing);
    }

    // Layout: model index fastest ([item][model], [feature][model], [gold][model]), so the threads of a warp
    // work on one item or feature for consecutive models: row data is broadcast, weights and residuals coalesced.

    /// <summary>Thread (i, b): r[i, b] = n·p(z) − n⁺·2^24 for model b's item i.</summary>
    private static void ForwardKernel(Index1D thread, DeviceRows rows, ArrayView<long> w, ArrayView<long> table, DeviceCoalitions c, ArrayView<long> r, int models)
    {
        int index = thread;
        var i = index / models;
        var b = index - (i * models);
        var pos = c.Positive[index];
        var count = pos + c.Negative[index];
        if (c.Active[b] == 0 || count == 0)
        {
            r[index] = 0;
            return;
        }

        long z0 = 0, z1 = 0;
        var e = rows.Start[i];
        var end = c.AtZero[b] != 0 ? e : rows.Start[i + 1]; // w = 0: z = 0 without reading the row
        for (; e + 1 < end; e += 2)
        {
            z0 += rows.Values[e] * w[((long)rows.Columns[e] * models) + b];
            z1 += rows.Values[e + 1] * w[((long)rows.Columns[e + 1] * models) + b];
        }

        if (e < end)
        {
            z0 += rows.Values[e] * w[((long)rows.Columns[e] * models) + b];
        }

        r[index] = (count * Sigmoid(z0 + z1, table)) - ((long)pos << FixedPoint.ProbabilityBits);
    }

    /// <summary>
    /// Thread (j, c, b): the part c of column j's sum Σ_i r[i, b]·x[i, j] (columns are split in
    /// <see cref="ColumnChunks"/> parts so that enough threads hide the memory latency).
    /// </summary>
    private static void BackwardPartialKernel(Index1D thread, DeviceRows cols, ArrayView<long> r, ArrayView<int> active, ArrayView<long> partial, int models)
    {
        int index = thread;
        var jc = index / models;
        var b = index - (jc * models);
        if (active[b] == 0)
        {
            return;
        }

        var j = jc / ColumnChunks;
        var c = jc - (j * ColumnChunks);
        var start = cols.Start[j];
        var length = cols.Start[j + 1] - start;
        var lo = start + (int)((long)length * c / ColumnChunks);
        var hi = start + (int)((long)length * (c + 1) / ColumnChunks);
        long g0 = 0, g1 = 0;
        var e = lo;
        for (; e + 1 < hi; e += 2)
        {
            g0 += r[((long)cols.Columns[e] * models) + b] * cols.Values[e];
            g1 += r[((long)cols.Columns[e + 1] * models) + b] * cols.Values[e + 1];
        }

        if (e < hi)
        {
            g0 += r[((long)cols.Columns[e] * models) + b] * cols.Values[e];
        }

        partial[index] = g0 + g1;
    }

    /// <summary>Thread (j, b): g = Σ_c partial[j, c, b] (exact int64); w[j, b] updated in place.</summary>
    private static void UpdateKernel(Index1D thread, ArrayView<long> partial, DeviceCoalitions c, ArrayView<long> w, double decay, int models)
    {
        int index = thread;
        var j = index / models;
        var b = index - (j * models);
        if (c.Active[b] == 0)
        {
            return;
        }

        long g = 0;
        for (var k = 0; k < ColumnChunks; k++)
        {
            g += partial[(((long)j * ColumnChunks) + k) * models + b];
        }

        var wj = w[index];
        var next = wj - (long)(g * c.GradientStep[b]) - (long)(wj * decay);
        if (next > FixedPoint.WeightClamp)
        {
            next = FixedPoint.WeightClamp;
        }

        if (next < -FixedPoint.WeightClamp)
        {
            next = -FixedPoint.WeightClamp;
        }

        w[index] = next;
    }

    /// <summary>Thread (i, b): gold margin of model b on gold item i.</summary>
    private static void GoldKernel(Index1D thread, DeviceRows rows, ArrayView<long> w, ArrayView<int> active, ArrayView<long> margins, int models)
    {
        int index = thread;
        var i = index / models;
        var b = index - (i * models);
        if (active[b] == 0)
        {
            return;
        }

        long z = 0;
        for (var e = rows.Start[i]; e < rows.Start[i + 1]; e++)
        {
            z += rows.Values[e] * w[((long)rows.Columns[e] * models) + b];
        }

        margins[index] = z;
    }

    private static void ResetCountsKernel(Index1D thread, ArrayView<int> pos, ArrayView<int> neg, ArrayView<int> reset, int models)
    {
        int index = thread;
        if (reset[index % models] != 0)
        {
            pos[index] = 0;
            neg[index] = 0;
        }
    }

    /// <summary>Thread k: one label of a curator joining a model; (item, model) pairs are distinct within a launch.</summary>
    private static void AddLabelsKernel(Index1D thread, ArrayView<int> index, ArrayView<int> positive, ArrayView<int> pos, ArrayView<int> neg)
    {
        int k = thread;
        if (positive[k] != 0)
        {
            pos[index[k]] += 1;
        }
        else
        {
            neg[index[k]] += 1;
        }
    }

    private static void ZeroKernel(Index1D thread, ArrayView<long> w, ArrayView<int> zero, int models)
    {
        int index = thread;
        if (zero[index % models] != 0)
        {
            w[index] = 0;
        }
    }

    /// <summary>FixedPoint.Sigmoid, for kernels.</summary>
    private static long Sigmoid(long margin, ArrayView<long> table)
    {
        var u = margin >> (FixedPoint.MarginBits - FixedPoint.SigmoidStepBits - FixedPoint.SigmoidFractionBits);
        const long limit = (long)FixedPoint.SigmoidRange << (FixedPoint.SigmoidStepBits + FixedPoint.SigmoidFractionBits);
        if (u >= limit)
        {
            return table[FixedPoint.SigmoidTableLength - 1];
        }

        if (u < -limit)
        {
            u = -limit;
        }

        var k = (int)(u >> FixedPoint.SigmoidFractionBits) + FixedPoint.SigmoidCentre;
        var f = u & ((1L << FixedPoint.SigmoidFractionBits) - 1);
        return table[k] + (((table[k + 1] - table[k]) * f) >> FixedPoint.SigmoidFractionBits);
    }
}
