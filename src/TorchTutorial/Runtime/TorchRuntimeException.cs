namespace TorchTutorial.Runtime;

/// <summary>
/// Thrown when libtorch's native binaries cannot be loaded. The message names the library file,
/// what the system loader said was missing, and how to fix it.
/// </summary>
public sealed class TorchRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full, actionable message.</param>
    /// <param name="libraryPath">The native library that failed to load, when known.</param>
    /// <param name="missing">The missing dependency, symbol or symbol version the loader reported, when known.</param>
    /// <param name="innerException">The loader's or TorchSharp's original exception.</param>
    public TorchRuntimeException(string message, string? libraryPath, string? missing, Exception? innerException)
        : base(message, innerException)
    {
        LibraryPath = libraryPath;
        Missing = missing;
    }

    /// <summary>The native library that failed to load, when known.</summary>
    public string? LibraryPath { get; }

    /// <summary>
    /// What the loader reported as missing: a file (<c>libtorch.so</c>), a symbol version
    /// (<c>GLIBCXX_3.4.32</c>) or a symbol, when it could be read from the loader's message.
    /// </summary>
    public string? Missing { get; }
}
