namespace Protocol.Embeddings;

/// <summary>sentence-transformers' poolings ("mean" over the attended tokens, or "cls") followed by L2 normalisation.</summary>
internal static class Pooling
{
    /// <summary>
    /// The unit-length mean of the first <paramref name="tokenCount"/> rows of <paramref name="tokens"/>
    /// (the attended ones; padding follows them). Sums in double, in a fixed order, so results are reproducible.
    /// </summary>
    public static float[] MeanThenL2(ReadOnlySpan<float> tokens, int tokenCount, int dim)
    {
        var mean = new double[dim];
        for (int t = 0; t < tokenCount; t++)
        {
            ReadOnlySpan<float> row = tokens.Slice(t * dim, dim);
            for (int d = 0; d < dim; d++)
            {
                mean[d] += row[d];
            }
        }

        for (int d = 0; d < dim; d++)
        {
            mean[d] /= tokenCount;
        }

        return L2(mean);
    }

    /// <summary>The unit-length vector of the first token ([CLS]).</summary>
    public static float[] FirstThenL2(ReadOnlySpan<float> tokens, int dim)
    {
        var first = new double[dim];
        for (int d = 0; d < dim; d++)
        {
            first[d] = tokens[d];
        }

        return L2(first);
    }

    /// <summary>The pooling a model's configuration names.</summary>
    public static float[] Pool(string pooling, ReadOnlySpan<float> tokens, int tokenCount, int dim) => pooling switch
    {
        "mean" => MeanThenL2(tokens, tokenCount, dim),
        "cls" => FirstThenL2(tokens, dim),
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "pooling is mean or cls"),
    };

    private static float[] L2(double[] v)
    {
        double squares = 0;
        for (int d = 0; d < v.Length; d++)
        {
            squares += v[d] * v[d];
        }

        double norm = Math.Max(Math.Sqrt(squares), 1e-12); // torch's F.normalize eps, against a zero vector
        var vector = new float[v.Length];
        for (int d = 0; d < v.Length; d++)
        {
            vector[d] = (float)(v[d] / norm);
        }

        return vector;
    }
}
