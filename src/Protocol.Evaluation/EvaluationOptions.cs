namespace Protocol.Evaluation;

/// <summary>Which hardware trains the models. Every choice gives the same results, bit for bit.</summary>
public enum EvaluationBackend
{
    /// <summary>CUDA when an NVIDIA GPU and driver are present, else the CPU.</summary>
    Auto,

    /// <summary>Managed CPU code, multi-threaded.</summary>
    Cpu,

    /// <summary>ILGPU kernels on CUDA (fails when there is no usable GPU).</summary>
    Cuda,

    /// <summary>The CUDA kernels on ILGPU's CPU accelerator: for testing kernels on tiny inputs only (about 200× slower).</summary>
    KernelTest,
}

/// <summary>How to run an evaluation (never changes its result).</summary>
public sealed record EvaluationOptions
{
    /// <summary>Backend choice; the environment variable FMP_EVALUATION_BACKEND (auto, cpu, cuda) overrides Auto.</summary>
    public EvaluationBackend Backend { get; init; } = EvaluationBackend.Auto;

    /// <summary>Worker threads for the CPU path (default: all processors).</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Models trained side by side at most (permutations in flight); the GPU likes many.</summary>
    public int MaxBatch { get; init; } = 256;
}
