namespace Protocol.Embeddings.Tests;

/// <summary>Keeps the largest count reported, synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class MaxProgress : IProgress<int>
{
    private int _max;

    public int Max => Volatile.Read(ref _max);

    public void Report(int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }
}
