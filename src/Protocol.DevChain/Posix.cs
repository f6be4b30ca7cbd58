using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Protocol.DevChain;

/// <summary>The few POSIX calls .NET has no API for: sending a chosen signal, and the effective uid.</summary>
public static partial class Posix
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    public static bool IsRoot => OperatingSystem.IsLinux() && GetEuid() == 0;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="process"/> if it is still running.</summary>
    public static void Signal(Process process, int signal)
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, signal);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
