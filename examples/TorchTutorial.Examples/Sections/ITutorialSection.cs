using TorchTutorial.Data;

namespace TorchTutorial.Examples.Sections;

/// <summary>One section of "Learning PyTorch with Examples", runnable as <c>dotnet run -- NAME</c>.</summary>
public interface ITutorialSection
{
    /// <summary>The command-line name, e.g. <c>autograd</c>.</summary>
    string Name { get; }

    /// <summary>The Python script this section ports, e.g. <c>two_layer_net_autograd.py</c>.</summary>
    string Script { get; }

    /// <summary>A one-line description for help and headers.</summary>
    string Title { get; }

    /// <summary>The script's learning rate, used when <c>--lr</c> is not given.</summary>
    double DefaultLearningRate { get; }

    /// <summary>False for sections that show an operation instead of training (clamp).</summary>
    bool Trains { get; }

    /// <summary>The script's number of steps, used when <c>--steps</c> is not given: 500 for the two-layer net, 2000 for the polynomials, 30000 for poly-dynamic.</summary>
    int DefaultSteps { get; }

    /// <summary>
    /// The script's print interval, used when <c>--log-every</c> is not given: 1 where the script prints every step,
    /// 100 for the polynomials' <c>if t % 100 == 99</c>, 2000 for poly-dynamic's <c>if t % 2000 == 1999</c>.
    /// </summary>
    int DefaultLogEvery { get; }

    /// <summary>
    /// The data the section works on, for headers: the sizes for the two-layer net on random data
    /// (<c>N=64 D_in=1000 H=100 D_out=10</c>), <c>x = linspace(-pi, pi, 2000)</c> for the polynomials.
    /// </summary>
    /// <param name="sizes">N, D_in, H, D_out as given on the command line.</param>
    string DescribeData(NetworkSizes sizes);

    /// <summary>
    /// True for the sections that train a model with parameters (nn, optim, module, dynamic, poly-nn, poly-optim,
    /// poly-module), which honour <c>--load</c> and <c>--save</c>.
    /// </summary>
    bool SupportsCheckpoints => false;

    /// <summary>Runs the section; <paramref name="context"/> carries the options, device and training loop.</summary>
    SectionResult Run(SectionContext context);
}
