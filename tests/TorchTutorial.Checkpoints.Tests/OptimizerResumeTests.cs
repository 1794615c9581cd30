using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Checkpoints;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

public sealed class OptimizerResumeTests
{
    private const int StepsBefore = 4;
    private const int StepsAfter = 6;

    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = NewTemporaryFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    /// <summary>The optimizers the tutorial sections use, and variants that exercise every optional state tensor.</summary>
    public static IEnumerable<OptimizerFactory> Optimizers()
    {
        yield return new("SGD", p => optim.SGD(p, 1e-2), KeepsState: false);
        yield return new("SGD momentum 0.9", p => optim.SGD(p, 1e-2, momentum: 0.9));
        yield return new("SGD nesterov, dampening 0, weight decay", p => optim.SGD(p, 1e-2, momentum: 0.5, weight_decay: 0.01, nesterov: true));
        yield return new("Adam", p => optim.Adam(p, 1e-2));
        yield return new("Adam amsgrad", p => optim.Adam(p, 1e-2, amsgrad: true, weight_decay: 0.01));
        yield return new("AdamW", p => optim.AdamW(p, 1e-2));
        yield return new("RMSprop", p => optim.RMSProp(p, 1e-3));
        yield return new("RMSprop momentum centered", p => optim.RMSProp(p, 1e-3, momentum: 0.5, centered: true));
    }

    /// <summary>The optimizers above that keep state (all but plain SGD).</summary>
    public static IEnumerable<OptimizerFactory> StatefulOptimizers() => Optimizers().Where(o => o.KeepsState);

    [Test]
    public void TrainSaveLoadTrain_GivesExactlyTheLossesOfAnUninterruptedRun(
        [ValueSource(typeof(CheckpointTestSupport), nameof(OptimizerFormats))] CheckpointFormat format,
        [ValueSource(nameof(Optimizers))] OptimizerFactory make)
    {
        using var scope = NewDisposeScope();
        manual_seed(99);
        var x = randn(16, DIn);
        var y = randn(16, DOut);

        using var uninterrupted = TwoLayerNet(1);
        using var uninterruptedOptimizer = make.Create(uninterrupted.parameters());
        var expected = Train(uninterrupted, uninterruptedOptimizer, x, y, StepsBefore + StepsAfter);

        using var first = TwoLayerNet(1);
        using var firstOptimizer = make.Create(first.parameters());
        var before = Train(first, firstOptimizer, x, y, StepsBefore);
        string path = Path.Combine(folder, FileName(format));
        var saved = Checkpoint.Save(path, first, firstOptimizer);

        // A fresh process would build a fresh model (another seed) and a fresh optimizer, then load.
        using var resumed = TwoLayerNet(2);
        using var resumedOptimizer = make.Create(resumed.parameters());
        var loaded = Checkpoint.Load(path, resumed, resumedOptimizer);
        var after = Train(resumed, resumedOptimizer, x, y, StepsAfter);

        Assert.Multiple(() =>
        {
            // A .pt file of an optimizer without state is the bare state_dict: nothing of the optimizer's is written or read.
            bool carried = make.KeepsState || format != CheckpointFormat.PyTorch;
            Assert.That(saved.IncludesOptimizerState, Is.EqualTo(carried));
            Assert.That(loaded.IncludesOptimizerState, Is.EqualTo(carried));
            Assert.That(before.Concat(after), Is.EqualTo(expected), "exactly the uninterrupted losses");
            Assert.That(Snapshot(resumedOptimizer), Is.EqualTo(Snapshot(uninterruptedOptimizer)), "and exactly the same optimizer state at the end");
        });
    }

    /// <summary>
    /// PyTorch omits the state of parameters that never stepped: loading such a file resets a trained optimizer's state
    /// to what a fresh optimizer holds (step 0, the buffers TorchSharp preallocates zeroed, the others null).
    /// </summary>
    [Test]
    public void Load_OfAPyTorchFileWithoutPerParameterState_GivesAFreshOptimizersState([ValueSource(nameof(StatefulOptimizers))] OptimizerFactory make)
    {
        using var scope = NewDisposeScope();
        manual_seed(99);
        var x = randn(16, DIn);
        var y = randn(16, DOut);
        using var source = TwoLayerNet(1);
        using var fresh = make.Create(source.parameters());
        var record = OptimizerStateTransfer.Capture(fresh);
        record.States.Clear();
        string path = Path.Combine(folder, "never_stepped.pt");
        File.WriteAllBytes(path, PyTorchCheckpointFile.Write(new CheckpointContent(ModelState.Capture(source), record)));

        using var target = TwoLayerNet(2);
        using var trained = make.Create(target.parameters());
        Train(target, trained, x, y, StepsBefore);
        Assume.That(Snapshot(trained), Is.Not.EqualTo(Snapshot(fresh)), "training changed the state");
        Checkpoint.Load(path, target, trained);

        Assert.That(Snapshot(trained), Is.EqualTo(Snapshot(fresh)));
    }

    [Test]
    public void Load_RestoresHyperparametersFromTheFile(
        [ValueSource(typeof(CheckpointTestSupport), nameof(OptimizerFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1);
        using var sourceOptimizer = optim.SGD(source.parameters(), 0.125, momentum: 0.75, dampening: 0.25, weight_decay: 0.5);
        using var target = TwoLayerNet(2);
        using var targetOptimizer = optim.SGD(target.parameters(), 1.0);

        Checkpoint.Save(path, source, sourceOptimizer);
        Checkpoint.Load(path, target, targetOptimizer);
        var options = (SGD.Options)targetOptimizer.state_dict().Options[0];

        Assert.Multiple(() =>
        {
            Assert.That(options.LearningRate, Is.EqualTo(0.125));
            Assert.That(options.InitialLearningRate, Is.EqualTo(0.125));
            Assert.That(options.momentum, Is.EqualTo(0.75));
            Assert.That(options.dampening, Is.EqualTo(0.25));
            Assert.That(options.weight_decay, Is.EqualTo(0.5));
        });
    }

    [Test]
    public void AModelOnlyFile_LeavesTheOptimizerAsItWas(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1);
        Checkpoint.Save(path, source);
        using var target = TwoLayerNet(2);
        using var optimizer = optim.Adam(target.parameters(), 0.01);
        Train(target, optimizer, randn(4, DIn), randn(4, DOut), 2);
        var optimizerBefore = Snapshot(optimizer);

        var summary = Checkpoint.Load(path, target, optimizer);

        Assert.Multiple(() =>
        {
            Assert.That(summary.IncludesOptimizerState, Is.False);
            Assert.That(SameState(Snapshot(target), Snapshot(source)), Is.True, "the model is loaded");
            Assert.That(Snapshot(optimizer), Is.EqualTo(optimizerBefore), "the optimizer is untouched");
        });
    }

    [Test]
    public void SafeTensors_SavesTheModelOnly_AndSaysSo()
    {
        string path = Path.Combine(folder, "model.safetensors");
        using var model = TwoLayerNet(1);
        using var optimizer = optim.Adam(model.parameters(), 0.01);

        var summary = Checkpoint.Save(path, model, optimizer);

        Assert.Multiple(() =>
        {
            Assert.That(summary.IncludesOptimizerState, Is.False);
            Assert.That(SafeTensorsFile.Read(File.ReadAllBytes(path)).ModelTensors, Has.Count.EqualTo(4));
        });
    }

    [Test]
    public void AFileLoadedWithoutAnOptimizer_StillLoadsTheModel(
        [ValueSource(typeof(CheckpointTestSupport), nameof(OptimizerFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1);
        using var optimizer = optim.RMSProp(source.parameters(), 0.01);
        Checkpoint.Save(path, source, optimizer);
        using var target = TwoLayerNet(2);

        var summary = Checkpoint.Load(path, target);

        Assert.Multiple(() =>
        {
            Assert.That(summary.IncludesOptimizerState, Is.False);
            Assert.That(SameState(Snapshot(target), Snapshot(source)), Is.True);
        });
    }

    [Test]
    public void AnotherOptimizersState_IsRefused_AndNothingChanges(
        [ValueSource(typeof(CheckpointTestSupport), nameof(OptimizerFormats))] CheckpointFormat format)
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1);
        using var sgd = optim.SGD(source.parameters(), 0.01, momentum: 0.9);
        Train(source, sgd, randn(4, DIn), randn(4, DOut), 2);
        Checkpoint.Save(path, source, sgd);
        using var target = TwoLayerNet(2);
        using var adam = optim.Adam(target.parameters(), 0.01);
        Train(target, adam, randn(4, DIn), randn(4, DOut), 2);
        var modelBefore = Snapshot(target);
        var optimizerBefore = Snapshot(adam);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target, adam));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.OptimizerMismatch));
            Assert.That(error.Message, Does.Contain(path).And.Contain("Adam").And.Contain("not changed"));
            Assert.That(SameState(Snapshot(target), modelBefore), Is.True, "the model is untouched although its part of the file is fine");
            Assert.That(Snapshot(adam), Is.EqualTo(optimizerBefore));
        });
    }

    [Test]
    public void AnOptimizerOverOtherParameters_IsRefused(
        [ValueSource(typeof(CheckpointTestSupport), nameof(OptimizerFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1);
        using var optimizer = optim.SGD(source.parameters(), 0.01, momentum: 0.9);
        Checkpoint.Save(path, source, optimizer);
        using var target = TwoLayerNet(2);
        using var partial = optim.SGD(target.parameters().Take(2), 0.01, momentum: 0.9);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target, partial));

        Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.OptimizerMismatch));
    }

    [Test]
    public void AnUnsupportedOptimizer_CannotBeSaved()
    {
        string path = Path.Combine(folder, "model.pt");
        using var model = TwoLayerNet(1);
        using var optimizer = optim.Adagrad(model.parameters(), 0.01);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(path, model, optimizer));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.Unsupported));
            Assert.That(error.Message, Does.Contain("Adagrad").And.Contain("SGD, Adam, AdamW, RMSProp"));
            Assert.That(File.Exists(path), Is.False);
        });
    }
}

/// <summary>Makes an optimizer over parameters; <paramref name="KeepsState"/> is false for one without state (SGD without momentum).</summary>
public sealed record OptimizerFactory(string Name, Func<IEnumerable<Parameter>, optim.Optimizer> Create, bool KeepsState = true)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
