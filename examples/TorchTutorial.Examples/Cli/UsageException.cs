namespace TorchTutorial.Examples.Cli;

/// <summary>Bad command-line input: the program prints the message as one line on stderr and exits with code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public UsageException(string message)
        : base(message)
    {
    }
}
