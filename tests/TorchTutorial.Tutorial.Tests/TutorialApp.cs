using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Tutorial.Tests;

/// <summary>One file-based app in tutorial/ and the workbench section that must print the same.</summary>
/// <param name="File">The app's file name in tutorial/, e.g. <c>two_layer_net_autograd.cs</c>.</param>
/// <param name="Section">The examples program's section, run with <c>--format tutorial</c>.</param>
public sealed record TutorialApp(string File, string Section)
{
    /// <summary>
    /// Every app in tutorial/, in the tutorial's order: the workbench's one list of sections, <see cref="SectionCatalog"/>,
    /// names each section's app. A new app is added there (a test checks the folder).
    /// </summary>
    public static IReadOnlyList<TutorialApp> All { get; } =
        SectionCatalog.Sections.Select(section => new TutorialApp(section.App, section.Name)).ToArray();

    /// <summary>The app's path from the repository root, as the README's command names it.</summary>
    public string RelativePath => $"tutorial/{File}";

    /// <inheritdoc />
    public override string ToString() => File;
}
