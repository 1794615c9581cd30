using TorchSharp.Modules;
using TorchTutorial.Data;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.TestSupport;

/// <summary>The optim section's float32 run, trained in parts (with the same data) so that it can be checkpointed between them.</summary>
internal sealed class ResumableRun : IDisposable
{
    private readonly Tensor x;
    private readonly Tensor y;
    private readonly MSELoss lossFn = nn.MSELoss(reduction: nn.Reduction.Sum);

    /// <summary>The seed-0 data and model of the optim section (float32).</summary>
    public ResumableRun()
    {
        var (N, D_in, H, D_out) = NetworkSizes.Tutorial;
        manual_seed(0);
        x = randn(N, D_in);
        y = randn(N, D_out);
        Model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out));
    }

    /// <summary>The same data as <paramref name="data"/>'s, and a new model from the current seed.</summary>
    public ResumableRun(ResumableRun data)
    {
        x = data.x.clone();
        y = data.y.clone();
        var (_, D_in, H, D_out) = NetworkSizes.Tutorial;
        Model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out));
    }

    public nn.Module<Tensor, Tensor> Model { get; }

    public List<double> Losses { get; } = [];

    public void Train(optim.Optimizer optimizer, int steps) =>
        Losses.AddRange(new TrainingLoop(new TrainingOptions(steps, 1e-4)).Run(_ =>
        {
            var loss = lossFn.forward(Model.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        }).Losses);

    public void Dispose()
    {
        x.Dispose();
        y.Dispose();
        Model.Dispose();
        lossFn.Dispose();
    }
}
