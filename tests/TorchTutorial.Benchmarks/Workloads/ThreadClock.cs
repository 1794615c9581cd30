using System.Runtime.InteropServices;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>
/// CPU time consumed by the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). With one libtorch thread every kernel
/// runs on the calling thread, so this counts the step's work but not the time the thread spent descheduled while
/// other processes used the 2 cores, which makes comparisons between two variants much steadier on a shared machine.
/// </summary>
public static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>The calling thread's CPU time, in milliseconds.</summary>
    public static double NowMs()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (ts.Seconds * 1e3) + (ts.Nanoseconds / 1e6);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clockId, out Timespec ts);
}
