using System.Runtime.InteropServices;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>glibc's view of the native heap (<c>mallinfo2</c>, glibc 2.33 and later): where resident memory sits.</summary>
public static class NativeHeapStats
{
    /// <summary>One reading, in bytes.</summary>
    /// <param name="Arena">The main heap's size (from sbrk), used and free.</param>
    /// <param name="Mmapped">Blocks allocated with their own mmap.</param>
    /// <param name="InUse">Allocated bytes, heap and arenas.</param>
    /// <param name="Free">Free bytes kept inside the heap (holes and the top).</param>
    /// <param name="TopFree">The free block at the top of the heap, the part a trim can return.</param>
    public sealed record Reading(long Arena, long Mmapped, long InUse, long Free, long TopFree);

    /// <summary>Reads mallinfo2, or null where it does not exist (not glibc, or older than 2.33).</summary>
    public static Reading? Read()
    {
        try
        {
            var m = mallinfo2();
            return new Reading((long)m.Arena, (long)m.Hblkhd, (long)m.Uordblks, (long)m.Fordblks, (long)m.Keepcost);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();
}
