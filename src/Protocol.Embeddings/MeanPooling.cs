namespace Protocol.Embeddings;

/// <summary>sentence-transformers' mean pooling followed by L2 normalisation.</summary>
internal static class MeanPooling
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

        double squares = 0;
        for (int d = 0; d < dim; d++)
        {
            mean[d] /= tokenCount;
            squares += mean[d] * mean[d];
        }

        double norm = Math.Max(Math.Sqrt(squares), 1e-12); // torch's F.normalize eps, against a zero vector
        var vector = new float[dim];
        for (int d = 0; d < dim; d++)
        {
            vector[d] = (float)(mean[d] / norm);
        }

        return vector;
    }
}
