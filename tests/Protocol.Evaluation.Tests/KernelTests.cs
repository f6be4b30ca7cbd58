using static Protocol.Evaluation.Tests.CuratorKind;

namespace Protocol.Evaluation.Tests;

/// <summary>
/// The CUDA kernels, run on ILGPU's CPU accelerator at tiny sizes, must give the CPU path's bits.
/// (The same comparison on a real GPU is scripts/bench/gpu-check.sh.)
/// </summary>
public sealed class KernelTests
{
    private static readonly EvaluationSpec Tiny = SyntheticMarket.SmallSpec with
    {
        Dim = 64,
        WarmStart = false,
        Iterations = 6,
        WarmIterations = 2,
        Permutations = 4,
        ExactMaxCurators = 0,
    };

    [Fact]
    public void Kernels_on_the_ilgpu_cpu_accelerator_match_the_cpu_path_bit_for_bit()
    {
        var input = SyntheticMarket.Create([Expert, Noisy, Guesser, Flipped, Constant], seed: 4, items: 24, gold: 12, labelsPerCurator: 10);
        var cpu = EvaluationEngine.Evaluate(Tiny, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu });
        var kernels = EvaluationEngine.Evaluate(Tiny, input, new EvaluationOptions { Backend = EvaluationBackend.KernelTest });
        Assert.StartsWith("ilgpu-cpu", kernels.Metrics.Backend, StringComparison.Ordinal);
        Assert.Equal(cpu.ToCanonicalText(), kernels.ToCanonicalText());
        Assert.True(cpu.Metrics.TrainingsRun > 4);

        // Fewer models side by side than permutations (chunks), and the warm-start variant with truncation.
        var chunked = EvaluationEngine.Evaluate(Tiny, input, new EvaluationOptions { Backend = EvaluationBackend.KernelTest, MaxBatch = 3 });
        Assert.Equal(cpu.ToCanonicalText(), chunked.ToCanonicalText());
        var warm = Tiny with { WarmStart = true, TruncationTolerancePpm = 50_000 };
        Assert.Equal(
            EvaluationEngine.Evaluate(warm, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu }).ToCanonicalText(),
            EvaluationEngine.Evaluate(warm, input, new EvaluationOptions { Backend = EvaluationBackend.KernelTest }).ToCanonicalText());
    }

    [Fact]
    public void Kernels_match_the_cpu_path_for_exact_enumeration_and_leave_one_out()
    {
        var input = SyntheticMarket.Create([Expert, Flipped, Noisy], seed: 6, items: 16, gold: 8, labelsPerCurator: 8);
        foreach (var spec in new[] { Tiny with { ExactMaxCurators = 12 }, Tiny with { Method = AttributionMethod.LeaveOneOut } })
        {
            var cpu = EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu });
            var kernels = EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { Backend = EvaluationBackend.KernelTest, MaxBatch = 3 });
            Assert.Equal(cpu.ToCanonicalText(), kernels.ToCanonicalText());
        }
    }

    [Fact]
    public void Auto_selection_falls_back_to_the_cpu_without_a_gpu_and_the_override_is_honoured()
    {
        var input = SyntheticMarket.Create([Expert, Noisy], seed: 2, items: 12, gold: 6, labelsPerCurator: 6);
        var auto = EvaluationEngine.Evaluate(Tiny, input, new EvaluationOptions());
        var cpu = EvaluationEngine.Evaluate(Tiny, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu });
        Assert.Equal(cpu.ToCanonicalText(), auto.ToCanonicalText());
        Assert.True(auto.Metrics.Backend.StartsWith("cpu", StringComparison.Ordinal) || auto.Metrics.Backend.StartsWith("cuda", StringComparison.Ordinal));
        if (!Evaluation.Backends.IlgpuModelBatch.CudaAvailable(out _))
        {
            Assert.ThrowsAny<InvalidOperationException>(() => EvaluationEngine.Evaluate(Tiny, input, new EvaluationOptions { Backend = EvaluationBackend.Cuda }));
        }
    }
}
