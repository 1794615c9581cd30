using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>
/// The nn or optim section's model, data and step at any sizes, made once, for benchmarks that time single steps
/// (scaling, threads). <see cref="Step"/> is the section's step lambda, statement for statement; <see cref="RunSteps"/>
/// runs it through <see cref="TrainingLoop"/>, as <c>SectionContext.Train</c> does.
/// </summary>
public sealed class StepState : IDisposable
{
    private readonly Tensor x;
    private readonly Tensor y;
    private readonly TorchSharp.Modules.Sequential model;
    private readonly TorchSharp.Modules.MSELoss loss_fn;
    private readonly optim.Optimizer? optimizer;
    private readonly double learning_rate;

    /// <summary>Makes the model (seed 0) for <paramref name="section"/> ("nn" or "optim") at <paramref name="sizes"/>.</summary>
    /// <param name="section">nn (manual SGD update) or optim (Adam).</param>
    /// <param name="sizes">N, D_in, H, D_out.</param>
    /// <param name="learningRate">
    /// The learning rate. The timing does not depend on it, but the sum-reduced loss grows with N and H, so at the large
    /// sizes the tutorial's 1e-4 would make the manual update diverge; the scaling runs use a small one.
    /// </param>
    public StepState(string section, NetworkSizes sizes, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        Section = section;
        Sizes = sizes;
        manual_seed(0);
        var (N, D_in, H, D_out) = sizes;
        x = randn(N, D_in);
        y = randn(N, D_out);
        model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out));
        loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        learning_rate = learningRate;
        optimizer = section switch
        {
            "nn" => null,
            "optim" => optim.Adam(model.parameters(), lr: learningRate),
            _ => throw new ArgumentException($"StepState runs nn or optim, not '{section}'.", nameof(section)),
        };
    }

    /// <summary>nn or optim.</summary>
    public string Section { get; }

    /// <summary>N, D_in, H, D_out.</summary>
    public NetworkSizes Sizes { get; }

    /// <summary>One step, exactly as the section writes it.</summary>
    public Tensor Step(int t)
    {
        if (optimizer is null)
        {
            // NnSection
            var y_pred = model.forward(x);
            var loss = loss_fn.forward(y_pred, y);
            model.zero_grad();
            loss.backward();
            using (no_grad())
            {
                foreach (var param in model.parameters())
                {
                    param.sub_(learning_rate * param.grad!);
                }
            }

            return loss;
        }
        else
        {
            // OptimSection
            var y_pred = model.forward(x);
            var loss = loss_fn.forward(y_pred, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps through the facade's loop; returns the last loss.</summary>
    public double RunSteps(int steps)
    {
        var result = new TrainingLoop(new TrainingOptions(steps, learning_rate)).Run(Step);
        return result.FinalLoss;
    }

    /// <summary>Releases everything.</summary>
    public void Dispose()
    {
        optimizer?.Dispose();
        loss_fn.Dispose();
        model.Dispose();
        x.Dispose();
        y.Dispose();
    }
}
