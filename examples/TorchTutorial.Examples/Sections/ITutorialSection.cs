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

    /// <summary>Runs the section; <paramref name="context"/> carries the options, device and training loop.</summary>
    SectionResult Run(SectionContext context);
}
