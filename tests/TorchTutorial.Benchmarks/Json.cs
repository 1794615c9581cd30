using System.Text.Json;

namespace TorchTutorial.Benchmarks;

/// <summary>The one JSON style of every results file.</summary>
public static class Json
{
    /// <summary>Indented, camelCase.</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The same on one line, for files with one JSON value per line.</summary>
    public static JsonSerializerOptions Line { get; } = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
