using System.Runtime.InteropServices;

namespace TorchTutorial.Runtime;

/// <summary>
/// The one-time glibc allocator setting <see cref="Training.TrainingLoop"/> applies before its first run: see the remarks
/// there. Internal: a process-wide setting, made once, opt-out with <c>TORCHTUTORIAL_MALLOC_TUNING=0</c>.
/// </summary>
internal static class NativeHeap
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private const int MmapThreshold = 32 * 1024 * 1024;   // DEFAULT_MMAP_THRESHOLD_MAX on 64-bit: the most glibc's own heuristic raises it to
    private const int TrimThreshold = 8 * 1024 * 1024;    // free memory the heap's top may keep: several times a tutorial step's temporaries

    private static int attempted;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int Mallopt(int param, int value);

    /// <summary>Applies the setting once per process; does nothing off Linux/glibc, when opted out, or when it fails.</summary>
    public static void KeepFreedBlocksForReuse()
    {
        if (Interlocked.Exchange(ref attempted, 1) != 0 || !OperatingSystem.IsLinux() || !Wanted(Environment.GetEnvironmentVariable))
        {
            return;
        }

        if (!NativeLibrary.TryLoad("libc.so.6", out var libc))
        {
            return;   // not glibc (musl, for example): leave the allocator alone
        }

        if (NativeLibrary.TryGetExport(libc, "mallopt", out var address))
        {
            var mallopt = Marshal.GetDelegateForFunctionPointer<Mallopt>(address);
            mallopt(M_MMAP_THRESHOLD, MmapThreshold);
            mallopt(M_TRIM_THRESHOLD, TrimThreshold);
        }
    }

    /// <summary>
    /// False when <c>TORCHTUTORIAL_MALLOC_TUNING</c> is 0, off or false, or when the user set glibc's own malloc variables.
    /// </summary>
    /// <param name="variable">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    internal static bool Wanted(Func<string, string?> variable)
    {
        string? setting = variable("TORCHTUTORIAL_MALLOC_TUNING");
        if (setting is "0" || string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase) || string.Equals(setting, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // The user already chose: respect glibc's own environment settings.
        foreach (var name in new[] { "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_" })
        {
            if (variable(name) is not null)
            {
                return false;
            }
        }

        return variable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) != true;
    }
}
