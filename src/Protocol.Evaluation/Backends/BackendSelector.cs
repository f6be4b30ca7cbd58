using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Backends;

/// <summary>Picks the backend: the option, else FMP_EVALUATION_BACKEND, else CUDA when usable, else CPU.</summary>
internal static class BackendSelector
{
    public static ModelBatch Create(EvaluationOptions options, PreparedMarket market, int capacity, double learningRate, double l2)
    {
        var choice = options.Backend;
        if (choice == EvaluationBackend.Auto)
        {
            choice = Environment.GetEnvironmentVariable("FMP_EVALUATION_BACKEND")?.Trim().ToUpperInvariant() switch
            {
                "CPU" => EvaluationBackend.Cpu,
                "CUDA" => EvaluationBackend.Cuda,
                _ => EvaluationBackend.Auto,
            };
        }

        var threads = Math.Max(1, options.MaxThreads);
        if (choice == EvaluationBackend.Auto)
        {
            choice = IlgpuModelBatch.CudaAvailable(out _) ? EvaluationBackend.Cuda : EvaluationBackend.Cpu;
        }

        return choice switch
        {
            EvaluationBackend.Cuda => IlgpuModelBatch.Create(market, capacity, learningRate, l2, cuda: true),
            EvaluationBackend.KernelTest => IlgpuModelBatch.Create(market, capacity, learningRate, l2, cuda: false),
            _ => new CpuModelBatch(market, capacity, learningRate, l2, threads),
        };
    }
}
