using System.Globalization;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>Linux process counters read from /proc/self: resident memory, its peak, and minor page faults.</summary>
public static class ProcessStats
{
    /// <summary>Resident set size now, in bytes (VmRSS).</summary>
    public static long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>Resident anonymous memory (heaps, stacks: RssAnon), in bytes.</summary>
    public static long ResidentAnonymousBytes() => StatusKilobytes("RssAnon:") * 1024;

    /// <summary>Resident file-backed memory (mapped libraries and files: RssFile), in bytes.</summary>
    public static long ResidentFileBytes() => StatusKilobytes("RssFile:") * 1024;

    /// <summary>The peak resident set size so far, in bytes (VmHWM).</summary>
    public static long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>Minor page faults so far (field 10 of /proc/self/stat).</summary>
    public static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture);   // field 10 overall = index 7 after pid and comm
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static long StatusKilobytes(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
