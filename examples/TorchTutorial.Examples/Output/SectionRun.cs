using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Examples.Output;

/// <summary>The settings one section ran with, and (once finished) its result.</summary>
/// <param name="Section">The section.</param>
/// <param name="Device">The resolved device, e.g. <c>cpu</c> or <c>cuda:0</c>.</param>
/// <param name="Sizes">N, D_in, H, D_out.</param>
/// <param name="Steps">Planned steps.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Threads">libtorch threads.</param>
/// <param name="LogEvery">Logging interval.</param>
/// <param name="DType">The element type computed in.</param>
public sealed record SectionRun(ITutorialSection Section, string Device, NetworkSizes Sizes, int Steps, double LearningRate, long Seed, int Threads, int LogEvery, TorchSharp.torch.ScalarType DType)
{
    /// <summary>The section's result; null until it has run.</summary>
    public SectionResult? Result { get; set; }
}
