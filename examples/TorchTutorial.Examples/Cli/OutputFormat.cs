namespace TorchTutorial.Examples.Cli;

/// <summary>What the program prints on stdout.</summary>
public enum OutputFormat
{
    /// <summary>A header, the losses (or a progress bar on a terminal) and a summary.</summary>
    Text,

    /// <summary>Exactly what the Python script prints: one <c>t loss</c> line per logged step.</summary>
    Tutorial,

    /// <summary>One JSON report.</summary>
    Json,
}
