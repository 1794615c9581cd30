using TorchTutorial.Data;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Sections;

/// <summary>The two versions of "Learning PyTorch with Examples" whose scripts the sections port.</summary>
public enum TutorialSeries
{
    /// <summary>The seed note's version: a two-layer network on random data, <c>N, D_in, H, D_out = 64, 1000, 100, 10</c>.</summary>
    TwoLayerNet,

    /// <summary>Today's version: <c>y = sin(x)</c> on <c>x = linspace(-pi, pi, 2000)</c> by a third-order polynomial.</summary>
    Polynomial,
}

/// <summary>
/// One row of <see cref="SectionCatalog"/>: a section's name, the script it ports, its defaults, and the code that runs
/// it (the section file).
/// </summary>
/// <param name="Name">The command-line name, e.g. <c>optim</c>.</param>
/// <param name="Script">The Python script it ports, e.g. <c>two_layer_net_optim.py</c>.</param>
/// <param name="App">Its file-based app in tutorial/, e.g. <c>two_layer_net_optim.cs</c>, which prints what the section prints with <c>--format tutorial</c>.</param>
/// <param name="Series">Which version of the tutorial the script belongs to.</param>
/// <param name="Training">The script's steps, learning rate and print interval; null for a section that trains nothing.</param>
/// <param name="SavesCheckpoints">True when the section trains a model with parameters and honours <c>--save</c>/<c>--load</c>.</param>
/// <param name="Run">The section's code: the script, in C#.</param>
/// <param name="Title">One line for headers and help.</param>
/// <param name="Data">What the section computes on, for headers, when it is not the series' data.</param>
public sealed record TutorialSection(
    string Name,
    string Script,
    string App,
    TutorialSeries Series,
    TrainingOptions? Training,
    bool SavesCheckpoints,
    Func<SectionContext, SectionResult> Run,
    string Title,
    string? Data = null)
{
    /// <summary>
    /// True when the script prints its own line at each logged step instead of <c>print(t, loss.item())</c> (today's
    /// polynomial_autograd.py: <c>Iteration t = ...</c>): the section writes it to <see cref="SectionContext.Output"/>, and
    /// the tutorial format prints no <c>t loss</c> lines for it.
    /// </summary>
    public bool PrintsOwnLines { get; init; }

    /// <summary>True when the section trains (has steps, a learning rate and losses).</summary>
    public bool Trains => Training is not null;

    /// <summary>What the section computes on: the sizes for the two-layer net, <c>x = linspace(-pi, pi, 2000)</c> for the polynomials.</summary>
    /// <param name="sizes">N, D_in, H, D_out of the run.</param>
    public string DescribeData(NetworkSizes sizes) => Data ?? Series switch
    {
        TutorialSeries.Polynomial => "x = linspace(-pi, pi, 2000)",
        _ => sizes.ToString(),
    };

    /// <inheritdoc />
    public override string ToString() => Name;
}
