using TorchTutorial.Data;

namespace TorchTutorial.Examples.Sections;

/// <summary>What the current tutorial's sections (y = sin(x) by a polynomial) share.</summary>
internal static class PolySections
{
    /// <summary>The header's description of their data.</summary>
    public static string Data { get; } = $"x = linspace(-pi, pi, {SineData.TutorialPoints})";
}
