using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Examples.Output;

/// <summary>A section that ran: the settings it ran with and what it produced.</summary>
/// <param name="Settings">The run's settings.</param>
/// <param name="Result">What the section produced.</param>
public sealed record SectionOutcome(RunSettings Settings, SectionResult Result);
