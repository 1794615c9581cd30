namespace TorchTutorial.Native
{
    using System;

    /// <summary>
    /// Thrown when bytes that should hold an ELF64 little-endian shared library are not one: the file is too short,
    /// has the wrong magic, class or byte order, or a header points outside the file (typically a truncated or
    /// corrupted download).
    /// </summary>
    public sealed class ElfFormatException : Exception
    {
        /// <summary>Creates the exception with a generic message.</summary>
        public ElfFormatException()
            : base("The data is not a usable ELF64 little-endian file.")
        {
        }

        /// <summary>Creates the exception with <paramref name="message"/>.</summary>
        /// <param name="message">What is wrong, including the file it concerns.</param>
        public ElfFormatException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
        /// <param name="message">What is wrong, including the file it concerns.</param>
        /// <param name="innerException">The underlying failure.</param>
        public ElfFormatException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>
        /// Creates the exception for <paramref name="fileName"/>, with a message that names the file, says what is
        /// wrong and how to recover.
        /// </summary>
        /// <param name="fileName">The file the bytes came from, or <see langword="null"/> for in-memory data.</param>
        /// <param name="problem">What is wrong, e.g. "section header table ... extends past the end of the file".</param>
        /// <param name="length">The number of bytes that were examined.</param>
        public ElfFormatException(string? fileName, string problem, long length)
            : base(FormatMessage(fileName, problem, length))
        {
            FileName = fileName;
        }

        /// <summary>The file the malformed bytes came from, when known.</summary>
        public string? FileName { get; }

        private static string FormatMessage(string? fileName, string problem, long length)
        {
            string subject = fileName == null ? "The in-memory ELF image" : "'" + fileName + "'";
            return subject + " (" + length + " bytes) is not a usable ELF64 little-endian shared library: " + problem
                + ". If this file came from a NuGet package it is probably truncated or corrupted; delete the package folder "
                + "from the NuGet global packages folder and restore again.";
        }
    }
}
