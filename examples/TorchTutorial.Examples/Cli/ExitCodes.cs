namespace TorchTutorial.Examples.Cli;

/// <summary>The program's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Every section ran to the end.</summary>
    public const int Success = 0;

    /// <summary>An output file (plot) could not be written.</summary>
    public const int OutputFailed = 1;

    /// <summary>Bad input: unknown section or option, bad value, unknown or unavailable device.</summary>
    public const int Usage = 2;

    /// <summary>The loss became NaN or infinite.</summary>
    public const int Diverged = 3;

    /// <summary>libtorch's native binaries could not be loaded.</summary>
    public const int NativeRuntime = 4;

    /// <summary>--compare found a relative deviation above --tolerance.</summary>
    public const int ParityFailed = 5;

    /// <summary>Ctrl+C stopped the run (after the current step; the summary was printed).</summary>
    public const int Cancelled = 130;
}
