namespace Protocol.Embeddings.Tests;

/// <summary>What the embedder tests compare vectors with.</summary>
internal static class Vectors
{
    public static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    public static void AssertBitIdentical(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual[i].Select(BitConverter.SingleToInt32Bits)), $"vector {i} differs");
        }
    }
}
