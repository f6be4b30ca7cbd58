namespace Protocol.Evaluation.Backends;

/// <summary>What a backend choice means on this machine, for start-up checks and logs (services check before they run).</summary>
public static class BackendProbe
{
    /// <summary>True when a CUDA device is usable; <paramref name="detail"/> is its name, else why not.</summary>
    public static bool CudaAvailable(out string detail) => IlgpuModelBatch.CudaAvailable(out detail);

    /// <summary>
    /// The problem with <paramref name="choice"/> here (CUDA asked for but not usable), or null. <paramref name="resolved"/>
    /// is what the choice runs on: "cpu", "cuda (device name)", "auto: cpu (why no CUDA)".
    /// </summary>
    public static string? Check(EvaluationBackend choice, out string resolved)
    {
        switch (choice)
        {
            case EvaluationBackend.Cuda:
                var cuda = CudaAvailable(out var detail);
                resolved = cuda ? $"cuda ({detail})" : "cuda (not usable)";
                return cuda ? null : $"no CUDA device is usable on this machine ({detail})";
            case EvaluationBackend.Auto:
                resolved = CudaAvailable(out var why) ? $"auto: cuda ({why})" : $"auto: cpu ({why})";
                return null;
            case EvaluationBackend.Cpu:
            case EvaluationBackend.KernelTest:
            default:
                resolved = choice.ToString().ToLowerInvariant();
                return null;
        }
    }
}
