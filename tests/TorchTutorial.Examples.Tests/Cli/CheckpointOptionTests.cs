namespace TorchTutorial.Examples.Tests.Cli;

/// <summary>--save and --load end to end, through the program's entry (<see cref="ExampleRun"/>).</summary>
public sealed class CheckpointOptionTests
{
    private static readonly string[] SmallOptimRun = ["optim", "--batch", "16", "--input", "40", "--hidden", "12", "--output", "4", "--format", "tutorial"];

    private string folder = string.Empty;

    [SetUp]
    public void CreateFolder() => folder = Directory.CreateTempSubdirectory("torchtutorial-checkpoints-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [TestCase(".pt")]
    [TestCase(".ckpt")]
    public void SaveThenLoad_ResumesExactlyWhereTrainingStopped(string extension)
    {
        string checkpoint = Path.Combine(folder, "optim" + extension);
        var uninterrupted = Losses(Run([.. SmallOptimRun, "--steps", "60"]));

        var first = Run([.. SmallOptimRun, "--steps", "30", "--save", checkpoint]);
        var second = Run([.. SmallOptimRun, "--steps", "30", "--load", checkpoint]);

        Assert.Multiple(() =>
        {
            Assert.That(Losses(first), Is.EqualTo(uninterrupted[..30]));
            Assert.That(Losses(second), Is.EqualTo(uninterrupted[30..]), "Adam's state travels with the weights");
        });
    }

    [Test]
    public void SafeTensors_CarryTheWeightsOnly_SoAdamRestartsButFromTheTrainedWeights()
    {
        string checkpoint = Path.Combine(folder, "optim.safetensors");
        var uninterrupted = Losses(Run([.. SmallOptimRun, "--steps", "60"]));

        Run([.. SmallOptimRun, "--steps", "30", "--save", checkpoint]);
        var resumed = Run([.. "--format text".Split(' '), .. SmallOptimRun[..^2], "--steps", "30", "--load", checkpoint]);

        Assert.Multiple(() =>
        {
            Assert.That(resumed.Stdout, Does.Contain("no optimizer state"));
            Assert.That(FirstLossInText(resumed.Stdout), Is.EqualTo(uninterrupted[30]), "step 30's weights, restored bit for bit");
        });
    }

    [Test]
    public void Load_OfACutShortFile_IsOneClearLine_AndExit2()
    {
        string checkpoint = Path.Combine(folder, "optim.pt");
        Run([.. SmallOptimRun, "--steps", "5", "--save", checkpoint]);
        byte[] content = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, content[..(content.Length / 2)]);

        var outcome = ExampleRun.InProcess([.. SmallOptimRun, "--steps", "5", "--load", checkpoint]);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2));
            Assert.That(outcome.Stderr, Does.StartWith("error: --load:").And.Contain(checkpoint).And.Contain("not changed"));
            Assert.That(outcome.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(outcome.Stdout, Is.Empty, "nothing trained from a bad checkpoint");
        });
    }

    [Test]
    public void Load_OfAnotherModelsCheckpoint_NamesTheMismatch()
    {
        string checkpoint = Path.Combine(folder, "module.pt");
        Run(["module", "--steps", "3", "--batch", "16", "--input", "40", "--hidden", "12", "--output", "4", "--format", "tutorial", "--save", checkpoint]);

        var outcome = ExampleRun.InProcess([.. SmallOptimRun, "--steps", "3", "--load", checkpoint]);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2));
            Assert.That(outcome.Stderr, Does.Contain("linear1.weight").And.Contain("0.weight"));
        });
    }

    [TestCase("clamp", "--save")]
    [TestCase("autograd", "--save")]
    [TestCase("all", "--load")]
    public void CheckpointOptions_OnASectionWithoutAModel_AreAUsageError(string section, string option)
    {
        string checkpoint = Path.Combine(folder, "x.pt");
        File.WriteAllBytes(checkpoint, [1, 2, 3]);

        var outcome = ExampleRun.InProcess(section, option, checkpoint);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2));
            Assert.That(outcome.Stderr, Does.Contain($"{option} needs one section that trains a model"));
        });
    }

    [Test]
    public void Save_IntoAMissingFolder_IsAUsageErrorBeforeTraining()
    {
        var outcome = ExampleRun.InProcess([.. SmallOptimRun, "--steps", "3", "--save", Path.Combine(folder, "no", "such", "m.pt")]);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2));
            Assert.That(outcome.Stderr, Does.Contain("does not exist"));
            Assert.That(outcome.Stdout, Is.Empty);
        });
    }

    private static ProcessRunner.Outcome Run(string[] arguments)
    {
        var outcome = ExampleRun.InProcess(arguments);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
        return outcome;
    }

    private static double[] Losses(ProcessRunner.Outcome outcome) =>
        outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    private static double FirstLossInText(string stdout) =>
        double.Parse(stdout.Split('\n').First(line => line.StartsWith("0 ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
}
