namespace TorchTutorial.Examples.Sections;

/// <summary>
/// Every section, in the tutorial's order: the old version (the two-layer net on random data), then the current one
/// (y = sin(x) by a polynomial); <c>all</c> runs them in this order.
/// </summary>
public static class SectionCatalog
{
    /// <summary>The name that runs every section.</summary>
    public const string All = "all";

    /// <summary>The sections in order.</summary>
    public static IReadOnlyList<ITutorialSection> Sections { get; } =
    [
        new TensorsSection(),
        new AutogradSection(),
        new CustomFunctionSection(),
        new ClampSection(),
        new StaticGraphSection(),
        new NnSection(),
        new OptimSection(),
        new ModuleSection(),
        new DynamicSection(),

        // The current version of the tutorial: y = sin(x) by a third-order polynomial.
        new PolyTensorSection(),
        new PolyAutogradSection(),
        new PolyCustomFunctionSection(),
        new PolyNnSection(),
        new PolyOptimSection(),
        new PolyModuleSection(),
        new PolyDynamicSection(),
    ];

    /// <summary>Every accepted name: the sections and <c>all</c>.</summary>
    public static IEnumerable<string> Names => Sections.Select(s => s.Name).Append(All);

    /// <summary>The section called <paramref name="name"/>, or null.</summary>
    public static ITutorialSection? Find(string name) =>
        Sections.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
