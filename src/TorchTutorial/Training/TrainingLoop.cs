using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Training;

/// <summary>
/// Runs a training step function <c>for t in range(steps)</c>, each step inside its own DisposeScope so that no
/// tensor created by a step outlives it; records every loss and the time per step; reports progress; honours
/// cancellation between steps; and stops with <see cref="TrainingDivergedException"/> when the loss stops being finite.
/// </summary>
/// <remarks>
/// The step receives <c>t</c> and returns the loss tensor it computed (a scalar). Tensors the step must keep across
/// steps (weights, optimizer state) are created before <see cref="Run"/>, outside the scope; anything a step wants to
/// keep on purpose it moves out with <c>MoveToOuterDisposeScope()</c>.
/// <para>
/// The loop changes no process-wide setting. Long runs on Linux gain from keeping freed blocks in glibc's heap between
/// steps: call <see cref="Runtime.NativeHeap.Tune"/> once at start-up if you want that (the examples program does).
/// </para>
/// </remarks>
public sealed class TrainingLoop
{
    private readonly TrainingOptions options;

    /// <summary>Creates a loop for the given options.</summary>
    public TrainingLoop(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <summary>The options this loop runs with.</summary>
    public TrainingOptions Options => options;

    /// <summary>Runs the steps.</summary>
    /// <param name="step">One training step: forward, loss, backward, update. Returns the loss tensor.</param>
    /// <param name="progress">Called synchronously on this thread for every logged step.</param>
    /// <param name="cancellationToken">Checked before each step; when cancelled the run stops and returns what it has.</param>
    /// <returns>The losses and timings of the completed steps.</returns>
    /// <exception cref="TrainingDivergedException">A step's loss was NaN or infinite.</exception>
    public TrainingResult Run(Func<int, Tensor> step, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var losses = new double[options.Steps];
        var clock = new Stopwatch();
        int completed = 0;
        for (int t = 0; t < options.Steps; t++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new TrainingResult(losses, completed, options.Steps, clock.Elapsed, cancelled: true);
            }

            double loss;
            clock.Start();
            using (NewDisposeScope())
            {
                using var lossTensor = step(t) ?? throw new InvalidOperationException($"The training step returned no loss tensor at step {t}.");

                // loss.item(), through a Scalar disposed here: Tensor.ToDouble() leaves its Scalar to the finalizer thread.
                using var value = lossTensor.ToScalar();
                loss = value.ToDouble();
            }

            clock.Stop();
            if (!double.IsFinite(loss))
            {
                throw new TrainingDivergedException(t, loss, options.LearningRate,
                    new TrainingResult(losses, completed, options.Steps, clock.Elapsed, cancelled: false));
            }

            losses[t] = loss;
            completed++;
            if (progress is not null && options.IsLogged(t))
            {
                progress.Report(new TrainingProgress(t, loss, options.Steps, clock.Elapsed));
            }
        }

        return new TrainingResult(losses, completed, options.Steps, clock.Elapsed, cancelled: false);
    }
}
