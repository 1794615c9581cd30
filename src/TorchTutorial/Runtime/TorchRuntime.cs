using System.Runtime.InteropServices;
using TorchSharp;

namespace TorchTutorial.Runtime;

/// <summary>
/// Loads libtorch's native binaries once and, when that fails, explains why in terms a user can act on
/// (TorchSharp's own message blames a missing package reference even when the real cause is elsewhere).
/// </summary>
/// <remarks>Call <see cref="EnsureLoaded"/> before the first use of <see cref="torch"/>.</remarks>
public static class TorchRuntime
{
    private const string NativeLibraryName = "LibTorchSharp";
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>The libtorch backend this library was built for: <c>cpu</c> or <c>cuda</c> (MSBuild property <c>TorchBackend</c>).</summary>
    public static string Backend { get; } = typeof(TorchRuntime).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .OfType<System.Reflection.AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "TorchTutorial.TorchBackend")?.Value ?? "cpu";

    /// <summary>
    /// Loads <c>libLibTorchSharp</c> and libtorch and initialises TorchSharp's CPU backend.
    /// Safe to call many times; only the first call does work.
    /// </summary>
    /// <exception cref="TorchRuntimeException">
    /// The native binaries could not be loaded; the message names the file, what the loader found missing, and the fix.
    /// </exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }

            LoadNativeLibrary();
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is NotSupportedException or TypeInitializationException or DllNotFoundException)
            {
                throw new TorchRuntimeException(
                    $"libLibTorchSharp loaded, but TorchSharp could not initialise libtorch: {FirstLine(ex)} " +
                    "Check that the libtorch package matches TorchSharp 0.107.0 (libtorch-cpu 2.10.0, or libtorch-cuda-12.8 2.10.0.0).",
                    null, null, ex);
            }

            _loaded = true;
        }
    }

    private static void LoadNativeLibrary()
    {
        try
        {
            // The same probe TorchSharp makes first: the app's deps.json, then the assembly's directory.
            NativeLibrary.Load(NativeLibraryName, typeof(torch).Assembly, null);
        }
        catch (DllNotFoundException ex)
        {
            throw Explain(ex.Message, ex);
        }
    }

    /// <summary>Turns the loader's text into an exception that names the file, the missing piece and the fix.</summary>
    internal static TorchRuntimeException Explain(string loaderText, Exception? inner)
    {
        var failure = LoaderMessage.Parse(loaderText);
        if (failure is null)
        {
            return new TorchRuntimeException(
                $"libtorch could not be loaded: {loaderText.Trim()} " +
                "Reference TorchSharp 0.107.0 with libtorch-cpu 2.10.0 and build through this repository so the native files are copied to the output.",
                null, null, inner);
        }

        string fix = failure.Kind switch
        {
            LoaderFailureKind.MissingSymbolVersion when failure.Missing.StartsWith("GLIBCXX_", StringComparison.Ordinal)
                || failure.Missing.StartsWith("CXXABI_", StringComparison.Ordinal) =>
                "This system's libstdc++ is older than the one TorchSharp was built with (Debian 12, Ubuntu 22.04 and RHEL 9 stop at GLIBCXX_3.4.30). " +
                "Build and run through this repository (dotnet build, run, test or publish): its native/Compatibility step puts a loadable copy of " +
                "libLibTorchSharp.so in the build output (look for the 'TorchTutorial: ... GLIBCXX_3.4.32' line in the build log). " +
                "Do not load the file from the NuGet cache; or install libstdc++ from GCC 13 or newer.",
            LoaderFailureKind.MissingSymbolVersion =>
                $"A system library is older than the one libtorch was built against; upgrade the library that should provide {failure.Missing}.",
            LoaderFailureKind.UndefinedSymbol =>
                "The native files come from mismatched versions. TorchSharp 0.107.0 needs libtorch 2.10.0: libtorch-cpu 2.10.0 or libtorch-cuda-12.8 2.10.0.0; clean the output (dotnet clean) and rebuild.",
            LoaderFailureKind.MissingDependency when failure.Missing.Contains("cud", StringComparison.OrdinalIgnoreCase)
                || failure.Missing.Contains("nv", StringComparison.OrdinalIgnoreCase) =>
                "A CUDA library is missing: install the NVIDIA driver for CUDA 12.8, or build for the CPU with -p:TorchBackend=cpu.",
            LoaderFailureKind.MissingDependency =>
                "libtorch's own files are missing from the output: reference libtorch-cpu 2.10.0 (-p:TorchBackend=cpu) or the CUDA package, then rebuild.",
            _ =>
                "libLibTorchSharp is not in the output: reference TorchSharp 0.107.0 together with libtorch-cpu 2.10.0 (or build this repository with -p:TorchBackend=cpu).",
        };

        return new TorchRuntimeException(
            $"libtorch could not be loaded: {failure.Library} needs {failure.Missing}, which the system loader did not find ('{failure.Line}'). {fix}",
            failure.Library, failure.Missing, inner);
    }

    private static string FirstLine(Exception ex)
    {
        var text = (ex.InnerException ?? ex).Message;
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline].TrimEnd();
    }
}
