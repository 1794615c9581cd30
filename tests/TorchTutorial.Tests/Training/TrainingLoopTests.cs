using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Training;

public sealed class TrainingLoopTests
{
    [Test]
    public void Run_RecordsEveryLoss_AndReportsLoggedSteps()
    {
        using var problem = new TinyProblem(lr: 0.001);
        var reported = new List<int>();
        var loop = new TrainingLoop(new TrainingOptions(steps: 10, learningRate: 0.001, logEvery: 3));

        var result = loop.Run(problem.Step, new SyncProgress(p => reported.Add(p.Step)));

        Assert.Multiple(() =>
        {
            Assert.That(result.StepsCompleted, Is.EqualTo(10));
            Assert.That(result.Losses, Has.Count.EqualTo(10));
            Assert.That(result.Losses, Is.Ordered.Descending);
            Assert.That(result.FirstLoss, Is.EqualTo(result.Losses[0]));
            Assert.That(result.FinalLoss, Is.EqualTo(result.Losses[9]));
            Assert.That(reported, Is.EqualTo(new[] { 2, 5, 8 }), "t % 3 == 2, like the tutorial's t % 100 == 99");
            Assert.That(result.TimePerStep, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Cancelled, Is.False);
        });
    }

    [Test]
    public void Run_LeavesNoLiveTensorsBehindAcrossSteps()
    {
        using var problem = new TinyProblem(lr: 0.001);
        var loop = new TrainingLoop(new TrainingOptions(steps: 5, learningRate: 0.001));
        loop.Run(problem.Step);   // warm-up: lazily created gradients live on purpose

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        new TrainingLoop(new TrainingOptions(steps: 200, learningRate: 0.001)).Run(problem.Step);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public void Run_WhenTheLossBecomesNaN_StopsWithStepAndLearningRate()
    {
        using var problem = new TinyProblem(lr: 1e6);
        var loop = new TrainingLoop(new TrainingOptions(steps: 500, learningRate: 1e6));

        var error = Assert.Throws<TrainingDivergedException>(() => loop.Run(problem.Step));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Step, Is.GreaterThan(0).And.LessThan(500));
            Assert.That(double.IsFinite(error.Loss), Is.False);
            Assert.That(error.Message, Does.Contain($"step {error.Step}").And.Contain("1000000"));
            Assert.That(error.PartialResult.StepsCompleted, Is.EqualTo(error.Step));
            Assert.That(error.PartialResult.Losses.All(double.IsFinite), Is.True);
        });
    }

    [Test]
    public void Run_WhenCancelled_StopsAfterTheCurrentStep_AndReturnsWhatItHas()
    {
        using var problem = new TinyProblem(lr: 0.001);
        using var cancellation = new CancellationTokenSource();
        var loop = new TrainingLoop(new TrainingOptions(steps: 100, learningRate: 0.001));

        var result = loop.Run(problem.Step, new SyncProgress(p =>
        {
            if (p.Step == 4)
            {
                cancellation.Cancel();
            }
        }), cancellation.Token);

        Assert.Multiple(() =>
        {
            Assert.That(result.Cancelled, Is.True);
            Assert.That(result.StepsCompleted, Is.EqualTo(5));
            Assert.That(result.Losses, Has.Count.EqualTo(5));
        });
    }

    [TestCase(0, 1e-3, 1)]
    [TestCase(-5, 1e-3, 1)]
    [TestCase(10, 0.0, 1)]
    [TestCase(10, -1e-3, 1)]
    [TestCase(10, double.NaN, 1)]
    [TestCase(10, double.PositiveInfinity, 1)]
    [TestCase(10, 1e-3, 0)]
    public void Options_RejectBadValues(int steps, double learningRate, int logEvery)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TrainingOptions(steps, learningRate, logEvery));
    }

    [TestCase(0, 10, 10, 10)]
    [TestCase(10, 10, -1, 10)]
    public void NetworkSizes_RejectNonPositiveSizes(int batch, int input, int hidden, int output)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NetworkSizes(batch, input, hidden, output));
        Assert.That(error!.Message, Does.Contain("positive integer"));
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>Least squares by gradient descent on a small random problem.</summary>
    private sealed class TinyProblem : IDisposable
    {
        private readonly Tensor x;
        private readonly Tensor y;
        private readonly Tensor w;
        private readonly double lr;

        public TinyProblem(double lr)
        {
            manual_seed(0);
            x = randn(32, 8);
            y = randn(32, 2);
            w = randn(8, 2, requires_grad: true);
            this.lr = lr;
        }

        public Tensor Step(int t)
        {
            var loss = (x.mm(w) - y).pow(2).sum();
            loss.backward();
            using (no_grad())
            {
                w.sub_(lr * w.grad!);
                w.grad!.zero_();
            }

            return loss;
        }

        public void Dispose()
        {
            x.Dispose();
            y.Dispose();
            w.Dispose();
        }
    }
}
