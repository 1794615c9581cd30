using System.Diagnostics;

namespace TorchTutorial.Runtime;

/// <summary>Readable C++ names for the mangled symbols the loader reports, via binutils' <c>c++filt</c> when it is installed.</summary>
internal static class SymbolName
{
    /// <summary>The demangled name of <paramref name="mangled"/>; null when it is not a C++ name or c++filt is not available.</summary>
    public static string? Demangle(string mangled)
    {
        if (!mangled.StartsWith("_Z", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var start = new ProcessStartInfo("c++filt") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(mangled);
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 && output.Length > 0 && output != mangled ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // c++filt is not installed
        }
    }

    /// <summary><c>demangled (mangled)</c>, or the mangled name alone when it cannot be demangled.</summary>
    public static string Describe(string mangled) => Demangle(mangled) is { } readable ? $"{readable} ({mangled})" : mangled;
}
