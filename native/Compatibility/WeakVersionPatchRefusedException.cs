namespace TorchTutorial.Native
{
    using System;

    /// <summary>
    /// Thrown when a version need cannot safely be marked weak because a dynamic relocation uses a symbol bound to
    /// that version: on a host without the version the symbol would not resolve, so the library would load and then
    /// fail (or crash) when the relocated code runs.
    /// </summary>
    public sealed class WeakVersionPatchRefusedException : InvalidOperationException
    {
        /// <summary>Creates the exception with a generic message.</summary>
        public WeakVersionPatchRefusedException()
            : base("A dynamic relocation uses a symbol bound to the version, so the version need cannot be marked weak safely.")
        {
        }

        /// <summary>Creates the exception with <paramref name="message"/>.</summary>
        /// <param name="message">The full message.</param>
        public WeakVersionPatchRefusedException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
        /// <param name="message">The full message.</param>
        /// <param name="innerException">The underlying failure.</param>
        public WeakVersionPatchRefusedException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a relocation that uses <paramref name="symbolName"/>.</summary>
        /// <param name="fileName">The library, or <see langword="null"/> for in-memory data.</param>
        /// <param name="symbolName">The mangled name of the relocated symbol.</param>
        /// <param name="versionName">The version the symbol is bound to, e.g. <c>GLIBCXX_3.4.32</c>.</param>
        /// <param name="neededFileName">The dependency that should provide the version, e.g. <c>libstdc++.so.6</c>.</param>
        /// <param name="relocationSection">The relocation section, e.g. <c>.rela.plt</c>.</param>
        public WeakVersionPatchRefusedException(string? fileName, string symbolName, string versionName, string neededFileName, string relocationSection)
            : base((fileName == null ? "The library" : "'" + fileName + "'") + " cannot be made to load safely with a "
                + neededFileName + " that lacks " + versionName + ": its dynamic relocation section " + relocationSection
                + " uses symbol '" + symbolName + "', which is bound to " + versionName
                + ", so marking that version need weak would leave the symbol unresolved at run time. "
                + "Install a libstdc++ that provides " + versionName + " (GCC 13 or newer), or use a TorchSharp build made for this distribution.")
        {
            SymbolName = symbolName;
            VersionName = versionName;
        }

        /// <summary>The mangled name of the symbol a relocation uses, when known.</summary>
        public string? SymbolName { get; }

        /// <summary>The version the symbol is bound to, when known.</summary>
        public string? VersionName { get; }
    }
}
