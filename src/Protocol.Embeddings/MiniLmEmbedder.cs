using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Protocol.Embeddings;

/// <summary>
/// Sentence embeddings from a MiniLM-architecture model (all-MiniLM-L6-v2 by default, or snowflake-arctic-embed-xs;
/// <see cref="PackagedModel"/>), fully offline: the weights and vocabulary come from the package's DLL, the model runs
/// in ONNX Runtime on the CPU, and the text is tokenized by <see cref="BertTokenizer"/> (not the package's own
/// tokenizer, which mangles newlines). Thread-safe once loaded.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder
{
    private const int Dim = 384;

    private readonly int _maxTokens; // sentence-transformers' max_seq_length for the model (256 for MiniLM), not BERT's 512
    private readonly string _pooling;
    private readonly bool _int8;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly MiniLmSignature _signature;
    private readonly MiniLmOptions _options;

    private MiniLmEmbedder(PackagedModel model, SessionOptions sessionOptions, InferenceSession session, MiniLmOptions options, string modelSha256)
    {
        _maxTokens = model.MaxTokens;
        _pooling = model.Pooling;
        _int8 = model.Quantised;
        _sessionOptions = sessionOptions;
        _session = session;
        _signature = MiniLmSignature.Of(session, Dim);
        _options = options;
        Tokenizer = MiniLmResources.LoadTokenizer(model);
        Info = new EmbeddingModelInfo(model.Name, model.Source, Dim, _maxTokens, model.Pooling, "l2", modelSha256);
    }

    /// <summary>The model, its pooling and the SHA-256 of its exact weights.</summary>
    public EmbeddingModelInfo Info { get; }

    /// <summary>The tokenizer the model's inputs come from.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>The model's tokenizer alone (vocab.txt, without the weights), e.g. to count tokens.</summary>
    public static BertTokenizer LoadTokenizer() => MiniLmResources.LoadTokenizer(PackagedModel.MiniLm);

    /// <summary>Loads the model from the package into memory and opens an ONNX Runtime CPU session over it.</summary>
    /// <param name="options">Threads and batches (none changes a vector).</param>
    /// <param name="model">Which packaged model: all-MiniLM-L6-v2 when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A thread count, batch size, token budget or parallel batch count below 1.</exception>
    public static MiniLmEmbedder Load(MiniLmOptions? options = null, PackagedModel? model = null)
    {
        model ??= PackagedModel.MiniLm;
        options ??= new MiniLmOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpThreads, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchTokens, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ParallelBatches, 1, nameof(options));

        byte[] weights = MiniLmResources.ReadModel(model);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(weights));
        var sessionOptions = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
        try
        {
            var session = new InferenceSession(weights, sessionOptions); // from memory: the 90 MB never touch the disk
            return new MiniLmEmbedder(model, sessionOptions, session, options, sha256);
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One unit-length vector of <see cref="EmbeddingModelInfo.Dim"/> floats per text, in input order.
    /// Texts longer than <see cref="EmbeddingModelInfo.MaxTokens"/> tokens are truncated.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default) => Embed(texts, null, ct);

    /// <summary>
    /// As <see cref="Embed(IReadOnlyList{string}, CancellationToken)"/>; <paramref name="textsEmbedded"/> receives the
    /// running count of texts embedded after each model call (from the calling thread or a worker).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? textsEmbedded, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encodings = new int[texts.Count][];
        for (int i = 0; i < encodings.Length; i++)
        {
            encodings[i] = Tokenizer.Encode(texts[i], _maxTokens);
        }

        // An int8 model quantises its activations with one scale per call, so a text shares no call with another: its
        // vector is a function of its own text alone, as with fp32 (where batching changes nothing).
        int[][] batches = Batches(encodings, _int8 ? 1 : _options.BatchSize, _options.BatchTokens);
        var vectors = new float[encodings.Length][];
        int embedded = 0;
        if (_options.ParallelBatches == 1 || batches.Length == 1)
        {
            foreach (int[] batch in batches)
            {
                ct.ThrowIfCancellationRequested();
                EmbedBatch(encodings, batch, vectors, ct);
                textsEmbedded?.Report(embedded += batch.Length);
            }

            return vectors;
        }

        // Longest batches first, each worker taking the next one when it is free: the workers finish at about the same
        // time. Every batch writes only its own texts' slots, so the result is the same whatever ran where.
        int[] byCost = [.. Enumerable.Range(0, batches.Length).OrderByDescending(b => batches[b].Length * encodings[batches[b][^1]].Length).ThenBy(b => b)];
        int next = -1;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ParallelBatches, CancellationToken = ct };
        try
        {
            Parallel.For(0, _options.ParallelBatches, parallel, _ =>
            {
                for (int k = Interlocked.Increment(ref next); k < byCost.Length; k = Interlocked.Increment(ref next))
                {
                    ct.ThrowIfCancellationRequested();
                    int[] batch = batches[byCost[k]];
                    EmbedBatch(encodings, batch, vectors, ct);
                    textsEmbedded?.Report(Interlocked.Add(ref embedded, batch.Length));
                }
            });
        }
        catch (AggregateException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct); // a worker's cancellation arrives wrapped
        }

        return vectors;
    }

    /// <summary>
    /// The texts, shortest encoding first (ties in input order), cut into batches of at most <paramref name="batchSize"/>
    /// texts and <paramref name="batchTokens"/> padded tokens: similar lengths share a batch, so little work goes to padding.
    /// </summary>
    internal static int[][] Batches(int[][] encodings, int batchSize, int batchTokens)
    {
        int[] order = [.. Enumerable.Range(0, encodings.Length).OrderBy(i => encodings[i].Length)]; // OrderBy is stable
        var batches = new List<int[]>();
        int start = 0;
        while (start < order.Length)
        {
            int count = 1; // a text longer than the token budget still gets a batch of its own
            while (start + count < order.Length && count < batchSize
                && (long)(count + 1) * encodings[order[start + count]].Length <= batchTokens)
            {
                count++;
            }

            batches.Add(order[start..(start + count)]);
            start += count;
        }

        return [.. batches];
    }

    private void EmbedBatch(int[][] encodings, ReadOnlySpan<int> batch, float[][] vectors, CancellationToken ct)
    {
        using var inputs = MiniLmBatch.Create(encodings, batch, Tokenizer.PadId, _signature);
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration cancel = ct.Register(() => runOptions.Terminate = true);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _session.Run(runOptions, inputs.Values, [_signature.Output]);
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }

        using (outputs)
        {
            ReadOnlySpan<float> hidden = outputs[0].GetTensorDataAsSpan<float>();
            int rowFloats = inputs.SequenceLength * Dim;
            for (int r = 0; r < batch.Length; r++)
            {
                int[] encoding = encodings[batch[r]];
                vectors[batch[r]] = Pooling.Pool(_pooling, hidden.Slice(r * rowFloats, rowFloats), encoding.Length, Dim);
            }
        }
    }

    /// <summary>Closes the ONNX Runtime session.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }
}
