using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Tests.Sections;

/// <summary>Runs a section the way the examples program does: seed first, then the section's own code.</summary>
internal static class SectionTestContext
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int, double, long, torch.ScalarType), Lazy<SectionResult>> Cache = new();

    public static SectionResult Run(ITutorialSection section, int? steps = null, NetworkSizes? sizes = null, double? lr = null, long seed = 0,
        TextWriter? output = null, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        torch.manual_seed(seed);
        var context = new SectionContext(sizes ?? NetworkSizes.Tutorial,
            new TrainingOptions(steps ?? section.DefaultSteps, lr ?? section.DefaultLearningRate), torch.CPU, seed, output: output, dtype: dtype);
        return section.Run(context);
    }

    /// <summary>
    /// <see cref="Run"/> at the tutorial's sizes, once per set of arguments for the whole test run: the sections are
    /// deterministic, so tests that check the same run (poly-dynamic's 30000 steps, a parity reference's losses and its
    /// Result line) share it.
    /// </summary>
    public static SectionResult RunOnce(ITutorialSection section, int? steps = null, double? lr = null, long seed = 0,
        torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        var key = (section.Name, steps ?? section.DefaultSteps, lr ?? section.DefaultLearningRate, seed, dtype);
        return Cache.GetOrAdd(key, _ => new Lazy<SectionResult>(() => Run(section, steps, lr: lr, seed: seed, dtype: dtype))).Value;
    }

    public static IEnumerable<TestCaseData> TrainingSections() =>
        SectionCatalog.Sections.Where(s => s.Trains).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    /// <summary>The current tutorial's sections: y = sin(x) by a polynomial.</summary>
    public static IEnumerable<TestCaseData> PolySections() =>
        SectionCatalog.Sections.Where(IsPoly).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    /// <summary>The old tutorial's training sections: the two-layer net on random data.</summary>
    public static IEnumerable<TestCaseData> TwoLayerTrainingSections() =>
        SectionCatalog.Sections.Where(s => s.Trains && !IsPoly(s)).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    public static bool IsPoly(ITutorialSection section) => section.Name.StartsWith("poly-", StringComparison.Ordinal);
}
