using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>Puts the process in the state a facade run leaves it in, before anything is timed.</summary>
public static class Warm
{
    /// <summary>
    /// Makes the examples program's one process-wide setting, <see cref="Runtime.NativeHeap.Tune"/> (which it calls at
    /// start-up), then runs one trivial step through <see cref="TrainingLoop"/>. Every variant measured afterwards,
    /// direct loops included, runs under the same allocator, so comparisons measure the loop's own cost and nothing else.
    /// </summary>
    public static void ProcessState()
    {
        Runtime.NativeHeap.Tune();
        using var w = zeros(1, requires_grad: true);
        new TrainingLoop(new TrainingOptions(1, 1e-3)).Run(_ => (w * 2).sum());
    }
}
