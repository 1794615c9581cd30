using System.Reflection;
using System.Runtime.InteropServices;

namespace TorchTutorial.Runtime;

/// <summary>
/// A libtorch folder that is not part of the build output: a PyTorch install's <c>torch/lib</c>, the libtorch archive's
/// <c>lib</c>, or a NuGet cache's <c>runtimes/linux-x64/native</c>. Used by builds with <c>-p:TorchBackend=external</c>
/// (the GPU bundle, <c>native/gpu-bundle.sh</c>), which carry TorchSharp but no libtorch.
/// </summary>
/// <remarks>
/// Loading checks, in order, that the folder has libtorch's files, that they load, and that every symbol
/// <c>libLibTorchSharp.so</c> needs is exported (binding them all up front, so a mismatch is an error message instead
/// of the loader killing the process at the first call). Each failure names the file, the missing piece, the libtorch
/// version TorchSharp was compiled against and the version found in the folder.
/// </remarks>
public static class ExternalLibtorch
{
    /// <summary>The environment variable that names the libtorch folder: <c>TORCHTUTORIAL_LIBTORCH</c>.</summary>
    public const string EnvironmentVariable = "TORCHTUTORIAL_LIBTORCH";

    /// <summary>libtorch's files in dependency order (each needs the ones before it); the CUDA ones are optional.</summary>
    internal static readonly (string Name, bool Required)[] Files =
    [
        ("libc10.so", true),
        ("libtorch_cpu.so", true),
        ("libc10_cuda.so", false),
        ("libtorch_cuda.so", false),
        ("libtorch.so", true),
    ];

    /// <summary>
    /// Loads the libtorch folder named by <see cref="EnvironmentVariable"/>, then the rest as
    /// <see cref="TorchRuntime.EnsureLoaded"/> does. What a program built with <c>-p:TorchBackend=external</c> calls
    /// instead of <see cref="TorchRuntime.EnsureLoaded"/>; safe to call many times.
    /// </summary>
    /// <exception cref="TorchRuntimeException">
    /// The variable is not set, this build carries its own libtorch, or the folder does not fit (the message names the
    /// file, the missing piece and both versions).
    /// </exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (TorchRuntime.ExternalLibtorch is null)   // set once the folder has loaded
            {
                string directory = ConfiguredDirectory ?? throw new TorchRuntimeException(
                    $"This build carries no libtorch (-p:TorchBackend=external): set {EnvironmentVariable} to a libtorch {LibtorchVersion.Expected} folder " +
                    "(a PyTorch install's torch/lib), or start it with the bundle's run.sh, which finds PyTorch's.",
                    null, "libtorch", null);
                if (TorchRuntime.Backend != "external")
                {
                    throw TorchRuntime.MixedLibtorch(directory);
                }

                if (!OperatingSystem.IsLinux())
                {
                    throw new TorchRuntimeException($"{EnvironmentVariable} is supported on Linux only.", null, null, null);
                }

                var version = Load(directory, FindLibTorchSharp());
                TorchRuntime.ExternalLibtorch = $"{Path.GetFullPath(directory)} (libtorch {version?.Version ?? "of unknown version"}; TorchSharp needs {LibtorchVersion.Expected})";
            }
        }

        TorchRuntime.EnsureLoaded();
    }

    private static readonly object Gate = new();

    private static string FindLibTorchSharp()
    {
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory)
            .Append(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
        return folders.Select(folder => Path.Combine(folder, "libLibTorchSharp.so")).FirstOrDefault(File.Exists)
            ?? throw new TorchRuntimeException(
                $"libLibTorchSharp.so is not next to the program ({AppContext.BaseDirectory}): rebuild the bundle with native/gpu-bundle.sh.",
                null, "libLibTorchSharp.so", null);
    }

    /// <summary>The folder named by <see cref="EnvironmentVariable"/>; null when it is not set.</summary>
    public static string? ConfiguredDirectory =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    /// <summary>The TorchSharp version this program runs, e.g. <c>0.107.0</c>.</summary>
    internal static string TorchSharpVersion { get; } =
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?";

    /// <summary>
    /// Checks that <paramref name="directory"/> holds libtorch's files, without loading anything.
    /// </summary>
    /// <exception cref="TorchRuntimeException">The folder does not exist or lacks a required file.</exception>
    internal static void CheckFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw Mismatch(directory, null, $"the folder does not exist", Path.GetFullPath(directory), null, null);
        }

        foreach (var (name, required) in Files)
        {
            string path = Path.Combine(directory, name);
            if (required && !File.Exists(path))
            {
                throw Mismatch(directory, LibtorchVersion.Read(directory), $"{name} is not in it", path, name, null);
            }
        }
    }

    /// <summary>
    /// Loads libtorch from <paramref name="directory"/>, then <paramref name="libTorchSharp"/> with every symbol bound.
    /// </summary>
    /// <returns>The version found in the folder; null when nothing in it tells.</returns>
    /// <exception cref="TorchRuntimeException">A file is missing, does not load, or lacks a symbol libLibTorchSharp needs.</exception>
    internal static LibtorchVersion? Load(string directory, string libTorchSharp)
    {
        CheckFiles(directory);
        var version = LibtorchVersion.Read(directory);

        // By full path, in dependency order: libLibTorchSharp's and TorchSharp's later by-name loads (libtorch.so,
        // torch_cuda) then find these by soname instead of searching LD_LIBRARY_PATH or the system folders.
        foreach (var (name, required) in Files)
        {
            string path = Path.Combine(directory, name);
            if (!required && !File.Exists(path))
            {
                continue;
            }

            try
            {
                NativeLibrary.Load(Path.GetFullPath(path));
            }
            catch (DllNotFoundException ex)
            {
                throw FromLoaderText(directory, version, ex.Message, path, ex);
            }
        }

        if (DynamicLinker.TryLoadNow(libTorchSharp) is { } error)
        {
            throw FromLoaderText(directory, version, error, libTorchSharp, null);
        }

        return version;
    }

    /// <summary>Builds the exception for a loader message met while loading from <paramref name="directory"/>.</summary>
    internal static TorchRuntimeException FromLoaderText(string directory, LibtorchVersion? version, string loaderText, string file, Exception? inner)
    {
        var failure = LoaderMessage.Parse(loaderText);
        string loaded = Path.GetFileName(file);

        // glibc names a missing dependency without the file that needs it ("libgomp-98b21ff3.so.1: cannot open shared
        // object file"): when the missing file is not the one being loaded, it is that file's dependency.
        if (failure is { Kind: LoaderFailureKind.MissingFile } && Path.GetFileName(failure.Library) != loaded)
        {
            failure = failure with { Kind = LoaderFailureKind.MissingDependency, Library = file };
        }

        string problem = failure?.Kind switch
        {
            LoaderFailureKind.UndefinedSymbol =>
                $"{Path.GetFileName(failure.Library)} needs the symbol {SymbolName.Describe(failure.Missing)}, which this libtorch does not export",
            LoaderFailureKind.MissingDependency =>
                $"{Path.GetFileName(failure.Library)} needs {failure.Missing}, which the loader did not find" +
                (IsCudaLibrary(failure.Missing) ? " (a CUDA library: install the NVIDIA driver and the nvidia-* pip packages PyTorch was installed with)" : string.Empty),
            LoaderFailureKind.MissingSymbolVersion =>
                $"{Path.GetFileName(failure.Library)} needs {failure.Missing}",
            LoaderFailureKind.MissingFile =>
                $"{failure.Missing} could not be opened",
            _ => $"{loaded} did not load ('{FirstLoaderLine(loaderText)}')",
        };

        return Mismatch(directory, version, problem, failure?.Library ?? file, failure?.Missing, inner);
    }

    private static TorchRuntimeException Mismatch(string directory, LibtorchVersion? found, string problem, string library, string? missing, Exception? inner)
    {
        string foundText = found is null
            ? "its version is unknown (no torch/version.py or build-version next to it)"
            : $"it holds libtorch {found.Version} (from {found.Source})";
        return new TorchRuntimeException(
            $"The libtorch in {Path.GetFullPath(directory)} does not fit: {problem}. " +
            $"TorchSharp {TorchSharpVersion} needs libtorch {LibtorchVersion.Expected}.x; {foundText}. " +
            $"Point {EnvironmentVariable} (run.sh --libtorch) at the torch/lib folder of a PyTorch {LibtorchVersion.Expected} install " +
            $"or the lib folder of the libtorch {LibtorchVersion.Expected} archive.",
            library, missing, inner);
    }

    private static bool IsCudaLibrary(string name) =>
        name.StartsWith("libcu", StringComparison.Ordinal) || name.StartsWith("libnv", StringComparison.Ordinal)
        || name.StartsWith("libcuda", StringComparison.Ordinal) || name.Contains("_cuda", StringComparison.Ordinal);

    private static string FirstLoaderLine(string text)
    {
        // .NET prefixes dlerror's text with its own sentence; the loader's line is the one that names a file.
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.StartsWith('/')) ?? lines.FirstOrDefault() ?? text;
    }
}
