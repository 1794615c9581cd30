using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>
/// A section's own step, held ready for benchmarks that time single steps (scaling, threads): the section runs
/// (<see cref="SectionContext"/>, the workbench's code, at any sizes) on a thread of its own, hands its step over when it
/// reaches its training loop, and waits there, its data and model alive, until this is disposed. <see cref="RunSteps"/>
/// runs that step through <see cref="TrainingLoop"/> on the caller's thread, as the examples program does.
/// </summary>
public sealed class SectionStepper : IDisposable
{
    private readonly Thread thread;
    private readonly ManualResetEventSlim ready = new();
    private readonly ManualResetEventSlim release = new();
    private readonly TrainingOptions options;
    private Func<int, Tensor>? step;
    private Exception? failure;

    /// <summary>Starts <paramref name="section"/> at <paramref name="sizes"/> (seed 0) and waits until its step is ready.</summary>
    /// <param name="section">A training section of <see cref="SectionCatalog"/>.</param>
    /// <param name="sizes">N, D_in, H, D_out.</param>
    /// <param name="learningRate">
    /// The learning rate. The timing does not depend on it, but the sum-reduced loss grows with N and H, so at the large
    /// sizes the catalog's rate can make a manual update diverge (and TrainingLoop stop); the scaling runs pass a small one.
    /// </param>
    public SectionStepper(string section, NetworkSizes sizes, double? learningRate = null)
    {
        var settings = Workbench.Settings(section, sizes, steps: 1, learningRate);
        options = settings.Training!;
        Section = section;
        Sizes = sizes;
        thread = new Thread(() =>
        {
            try
            {
                SectionContext.Run(settings, (loop, sectionStep) =>
                {
                    if (step is null)
                    {
                        step = sectionStep;
                        ready.Set();
                        release.Wait();
                    }

                    return Workbench.NoSteps(loop);
                });
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                ready.Set();
            }
        })
        { IsBackground = true, Name = $"{section} section" };
        thread.Start();
        ready.Wait();
        if (step is null)
        {
            throw new InvalidOperationException($"The {section} section did not reach its training loop.", failure);
        }
    }

    /// <summary>The section.</summary>
    public string Section { get; }

    /// <summary>N, D_in, H, D_out.</summary>
    public NetworkSizes Sizes { get; }

    /// <summary>Runs <paramref name="steps"/> of the section's steps through the facade's loop; returns the last loss.</summary>
    public double RunSteps(int steps) =>
        new TrainingLoop(new TrainingOptions(steps, options.LearningRate)).Run(step!).FinalLoss;

    /// <summary>Lets the section finish, which releases its data and model.</summary>
    public void Dispose()
    {
        release.Set();
        thread.Join();
        ready.Dispose();
        release.Dispose();
    }
}
