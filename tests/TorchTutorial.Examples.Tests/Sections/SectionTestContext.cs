using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Tests.Sections;

/// <summary>Runs a section the way the examples program does (<see cref="SectionContext.Run"/>), with settings a test picks.</summary>
internal static class SectionTestContext
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int, double, long, torch.ScalarType), Lazy<(SectionResult Result, string Output)>> Cache = new();

    /// <summary>The settings of <paramref name="section"/> at its defaults, with the given values instead.</summary>
    public static RunSettings Settings(TutorialSection section, int? steps = null, NetworkSizes? sizes = null, double? lr = null, long seed = 0,
        torch.ScalarType dtype = torch.ScalarType.Float32, int? logEvery = null)
    {
        var defaults = RunSettings.Defaults(section);
        return defaults with
        {
            Seed = seed,
            Sizes = sizes ?? defaults.Sizes,
            DType = dtype,
            Training = section.Training is { } training
                ? new TrainingOptions(steps ?? training.Steps, lr ?? training.LearningRate, logEvery ?? training.LogEvery)
                : null,
        };
    }

    public static SectionResult Run(TutorialSection section, int? steps = null, NetworkSizes? sizes = null, double? lr = null, long seed = 0,
        TextWriter? output = null, torch.ScalarType dtype = torch.ScalarType.Float32) =>
        SectionContext.Run(Settings(section, steps, sizes, lr, seed, dtype), output: output);

    public static SectionResult Run(string section, int? steps = null, NetworkSizes? sizes = null, double? lr = null, long seed = 0,
        TextWriter? output = null, torch.ScalarType dtype = torch.ScalarType.Float32) =>
        Run(SectionCatalog.Get(section), steps, sizes, lr, seed, output, dtype);

    /// <summary>
    /// <see cref="Run(TutorialSection, int?, NetworkSizes?, double?, long, TextWriter?, torch.ScalarType)"/> at the tutorial's
    /// sizes, once per set of arguments for the whole test run: the sections are deterministic, so tests that check the same
    /// run (poly-dynamic's 30000 steps, a parity reference's losses and its Result line) share it.
    /// </summary>
    public static SectionResult RunOnce(TutorialSection section, int? steps = null, double? lr = null, long seed = 0,
        torch.ScalarType dtype = torch.ScalarType.Float32) => RunOnceWithOutput(section, steps, lr, seed, dtype).Result;

    /// <summary><see cref="RunOnce"/>, with what the section wrote to its <see cref="SectionContext.Output"/>.</summary>
    public static (SectionResult Result, string Output) RunOnceWithOutput(TutorialSection section, int? steps = null, double? lr = null, long seed = 0,
        torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        var training = section.Training!;
        var key = (section.Name, steps ?? training.Steps, lr ?? training.LearningRate, seed, dtype);
        return Cache.GetOrAdd(key, _ => new Lazy<(SectionResult, string)>(() =>
        {
            var output = new StringWriter { NewLine = "\n" };
            var result = Run(section, steps, lr: lr, seed: seed, output: output, dtype: dtype);
            return (result, output.ToString());
        })).Value;
    }

    public static IEnumerable<TestCaseData> TrainingSections() =>
        SectionCatalog.Sections.Where(s => s.Trains).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    /// <summary>The current tutorial's sections that fit y = sin(x) by a polynomial (all but today's polynomial_autograd.py, which fits exp(x)).</summary>
    public static IEnumerable<TestCaseData> PolySections() =>
        SectionCatalog.Sections.Where(s => IsPoly(s) && s.Data is null).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    /// <summary>The old tutorial's training sections: the two-layer net on random data.</summary>
    public static IEnumerable<TestCaseData> TwoLayerTrainingSections() =>
        SectionCatalog.Sections.Where(s => s.Trains && !IsPoly(s)).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));

    public static bool IsPoly(TutorialSection section) => section.Series == TutorialSeries.Polynomial;
}
