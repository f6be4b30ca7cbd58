using System.Reflection;
using System.Runtime.InteropServices;

namespace Protocol.Evaluation.Backends;

/// <summary>
/// ILGPU imports the CUDA driver as "cuda" (libcuda.so). Driver packages often install only libcuda.so.1,
/// and then ILGPU silently finds no GPU; this resolver loads the versioned name (or a well-known path).
/// </summary>
internal static class CudaLibrary
{
    private static readonly string[] Candidates =
    [
        "libcuda.so",
        "libcuda.so.1",
        "/usr/lib/x86_64-linux-gnu/libcuda.so.1",
        "/usr/lib64/libcuda.so.1",
        "/usr/lib/wsl/lib/libcuda.so.1",
        "/usr/local/cuda/compat/libcuda.so.1",
    ];

    private static int installed;

    /// <summary>The file the resolver loaded, when it did.</summary>
    public static string? Loaded { get; private set; }

    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) != 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else already resolves ILGPU's imports.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name is not ("cuda" or "nvcuda" or "libcuda.so" or "libcuda"))
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                Loaded = candidate;
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
