using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Tests.Sections;

/// <summary>Runs a section the way the examples program does: seed first, then the section's own code.</summary>
internal static class SectionTestContext
{
    public static SectionResult Run(ITutorialSection section, int? steps = null, NetworkSizes? sizes = null, double? lr = null, long seed = 0,
        TextWriter? output = null, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        torch.manual_seed(seed);
        var context = new SectionContext(sizes ?? NetworkSizes.Tutorial,
            new TrainingOptions(steps ?? 500, lr ?? section.DefaultLearningRate), torch.CPU, seed, output: output, dtype: dtype);
        return section.Run(context);
    }

    public static IEnumerable<TestCaseData> TrainingSections() =>
        SectionCatalog.Sections.Where(s => s.Trains).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));
}
