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

    /// <summary>
    /// The libtorch backend this library was built for (MSBuild property <c>TorchBackend</c>): <c>cpu</c>, <c>cuda</c>, or
    /// <c>external</c> (no libtorch in the build: the GPU bundle's <c>ExternalLibtorch.EnsureLoaded</c>, native/bundle, loads
    /// the one named by <c>TORCHTUTORIAL_LIBTORCH</c>).
    /// </summary>
    public static string Backend { get; } = NormalizeBackend(typeof(TorchRuntime).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .OfType<System.Reflection.AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "TorchTutorial.TorchBackend")?.Value);

    /// <summary>
    /// The recorded backend in lower case: MSBuild compares <c>-p:TorchBackend=CUDA</c> case-insensitively when it picks
    /// the package, but a command-line value cannot be rewritten by native/TorchBackend.props, so the metadata keeps the
    /// user's spelling.
    /// </summary>
    internal static string NormalizeBackend(string? recorded) =>
        string.IsNullOrWhiteSpace(recorded) ? "cpu" : recorded.Trim().ToLowerInvariant();

    private const string ExternalVariable = "TORCHTUTORIAL_LIBTORCH";

    /// <summary>In an <c>external</c> build, the libtorch the bundle's loader loaded, for messages; set by it.</summary>
    internal static string? ExternalLibtorch { get; set; }

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

            CheckBackend();
            LoadNativeLibrary();
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is NotSupportedException or TypeInitializationException or DllNotFoundException)
            {
                throw new TorchRuntimeException(
                    $"libLibTorchSharp loaded, but TorchSharp could not initialise libtorch: {FirstLine(ex)} " +
                    (ExternalLibtorch is null
                        ? "Check that the libtorch package matches TorchSharp 0.107.0 (libtorch-cpu 2.10.0, or libtorch-cuda-12.8 2.10.0.0)."
                        : $"Check the external libtorch: {ExternalLibtorch}."),
                    null, null, ex);
            }

            _loaded = true;
        }
    }

    /// <summary>In an <c>external</c> build, loads and checks the libtorch folder before TorchSharp touches it.</summary>
    // An external build must have had its libtorch loaded by the bundle's loader; any other build carries its own, and a
    // TORCHTUTORIAL_LIBTORCH beside it would mix two copies.
    private static void CheckBackend()
    {
        if (Backend == "external" && ExternalLibtorch is null)
        {
            // Not left to the loader's search: it would take any libtorch on the system (Debian's python3-torch puts
            // 1.13 in /usr/lib/x86_64-linux-gnu) and bind it lazily.
            throw new TorchRuntimeException(
                $"This build carries no libtorch (-p:TorchBackend=external): load one with ExternalLibtorch.EnsureLoaded (native/bundle), " +
                $"which reads {ExternalVariable}, or start the program with the bundle's run.sh.",
                null, "libtorch", null);
        }

        if (Backend != "external" && Environment.GetEnvironmentVariable(ExternalVariable) is { } directory && !string.IsNullOrWhiteSpace(directory))
        {
            throw MixedLibtorch(directory.Trim());
        }
    }

    /// <summary>The error for <c>TORCHTUTORIAL_LIBTORCH</c> set in a build that carries its own libtorch.</summary>
    internal static TorchRuntimeException MixedLibtorch(string directory) => new(
        $"{ExternalVariable} is set ({directory}), but this build carries its own libtorch ({Backend}): loading both would mix two libtorch copies. " +
        $"Unset {ExternalVariable}, or build with -p:TorchBackend=external (native/gpu-bundle.sh).",
        null, null, null);

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

        if (failure.Kind == LoaderFailureKind.NotALibrary)
        {
            return new TorchRuntimeException(
                $"libtorch could not be loaded: {failure.Library} is not a shared library the loader can use ({failure.Missing}). " +
                "The build output is damaged or from another platform: rebuild it (dotnet build --no-incremental), or clear the NuGet package it came from and restore again.",
                failure.Library, failure.Missing, inner);
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
