using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Protocol.Evaluation.Backends;

/// <summary>
/// One ILGPU context and accelerator per process and kind, created on first use and kept: creating a CUDA
/// context and compiling the kernels costs a noticeable part of a whole evaluation, and an oracle node
/// evaluates many markets. Evaluations on one device take turns (<see cref="Gate"/>).
/// </summary>
internal sealed class IlgpuDevice
{
    private static readonly Lazy<IlgpuDevice?> LazyCuda = new(CreateCuda);
    private static readonly Lazy<IlgpuDevice> LazyCpu = new(() =>
    {
        // Two simulated threads (ILGPU's least), not its default sixteen, run one after another on the calling thread
        // (Sequential), not on threads of their own: in Parallel mode every kernel launch wakes and joins each of them,
        // and on a busy machine (the test suite on two cores) that turned a two-second test into minutes of waiting
        // (with four busy loops beside it: 86 s in Parallel mode, 20 s in Sequential for the three kernel tests). The
        // kernels use no shared memory or barriers, so neither the group shape nor the order can change their results.
        var context = Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1)).Math(MathMode.Default));
        return new IlgpuDevice(context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Sequential));
    });

    private IlgpuDevice(Context context, Accelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
    }

    /// <summary>The first CUDA device, or null when there is none (see <see cref="CudaProblem"/>).</summary>
    public static IlgpuDevice? Cuda => LazyCuda.Value;

    /// <summary>Why <see cref="Cuda"/> is null.</summary>
    public static string? CudaProblem { get; private set; }

    /// <summary>ILGPU's CPU accelerator (kernel tests only).</summary>
    public static IlgpuDevice Cpu => LazyCpu.Value;

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Delegate> kernels = new(StringComparer.Ordinal);

    /// <summary>A loaded kernel, loaded once per device.</summary>
    public TDelegate Kernel<TDelegate>(string name, Func<Accelerator, TDelegate> load)
        where TDelegate : Delegate =>
        (TDelegate)kernels.GetOrAdd(name, _ => load(Accelerator));

    private static IlgpuDevice? CreateCuda()
    {
        CudaLibrary.Install();
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().Math(MathMode.Default));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                CudaProblem = "no CUDA device found (driver library: " + (CudaLibrary.Loaded ?? "not found") + ")";
                context.Dispose();
                return null;
            }

            return new IlgpuDevice(context, devices[0].CreateAccelerator(context));
        }
#pragma warning disable CA1031 // any failure to start CUDA means: no CUDA
        catch (Exception e)
#pragma warning restore CA1031
        {
            CudaProblem = e.GetType().Name + ": " + e.Message;
            context?.Dispose();
            return null;
        }
    }
}
