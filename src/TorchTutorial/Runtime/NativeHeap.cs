using System.Runtime.InteropServices;

namespace TorchTutorial.Runtime;

/// <summary>
/// An explicit, process-wide tuning of glibc's allocator for training loops: freed blocks stay in the heap for the
/// next step instead of going back to the kernel. Nothing in this library calls it; the examples program calls
/// <see cref="Tune"/> once at start-up, and so may an application that wants the same.
/// </summary>
/// <remarks>
/// Every training step frees all of its tensors when its DisposeScope ends, and the next step allocates the same sizes
/// again. Left to its defaults, glibc serves blocks above 128 KiB by mmap and returns them, and trims the heap's top
/// beyond 128 KiB, so each step's large temporaries (a 100×1000 float32 gradient is 400 KB) are unmapped and faulted
/// back in by the next step. <see cref="Tune"/> sets <c>M_MMAP_THRESHOLD</c> to 32 MiB (glibc's own upper bound for
/// its dynamic threshold) and <c>M_TRIM_THRESHOLD</c> to 8 MiB, so blocks below 32 MiB come from the heap and up to
/// 8 MiB of free memory may stay at its top. Results do not change; the time it saves per section is in
/// docs/memory.md. It cannot be undone in the same process: glibc stops adjusting its mmap threshold once it is set.
/// </remarks>
public static class NativeHeap
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private const int MmapThreshold = 32 * 1024 * 1024;
    private const int TrimThreshold = 8 * 1024 * 1024;
    private static readonly object Gate = new();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int Mallopt(int param, int value);

    /// <summary>True once <see cref="Tune"/> has changed the allocator's settings in this process.</summary>
    public static bool IsTuned { get; private set; }

    /// <summary>
    /// Applies the setting (once per process; later calls return the first call's outcome). Does nothing off Linux,
    /// with a C library other than glibc, when <c>TORCHTUTORIAL_MALLOC_TUNING</c> is <c>0</c>, <c>off</c> or
    /// <c>false</c>, or when the user has already tuned glibc's allocator (<c>MALLOC_*_</c> variables or
    /// <c>glibc.malloc.*</c> in <c>GLIBC_TUNABLES</c>).
    /// </summary>
    /// <returns>True when the allocator is tuned (now or by an earlier call).</returns>
    public static bool Tune()
    {
        lock (Gate)
        {
            if (IsTuned || !OperatingSystem.IsLinux() || !Wanted(Environment.GetEnvironmentVariable))
            {
                return IsTuned;
            }

            if (!NativeLibrary.TryLoad("libc.so.6", out var libc) || !NativeLibrary.TryGetExport(libc, "mallopt", out var address))
            {
                return false;   // not glibc (musl, for example): leave the allocator alone
            }

            var mallopt = Marshal.GetDelegateForFunctionPointer<Mallopt>(address);
            IsTuned = mallopt(M_MMAP_THRESHOLD, MmapThreshold) == 1 & mallopt(M_TRIM_THRESHOLD, TrimThreshold) == 1;
            return IsTuned;
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
