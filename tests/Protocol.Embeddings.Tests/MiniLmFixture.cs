namespace Protocol.Embeddings.Tests;

/// <summary>One loaded model for all embedder tests: loading takes about a second.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbedder Embedder { get; } = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 1, BatchSize = 32 });

    public void Dispose() => Embedder.Dispose();
}
