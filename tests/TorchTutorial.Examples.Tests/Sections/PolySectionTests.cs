using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Tests.Sections;

/// <summary>The current tutorial's sections: y = sin(x) by a polynomial.</summary>
public sealed partial class PolySectionTests
{
    /// <summary>
    /// The floor any cubic can reach: the sum of squares the least-squares cubic fit of sin leaves on the tutorial's 2000
    /// points, solved here in float64 (about 8.817).
    /// </summary>
    private static readonly Lazy<double> BestCubicLoss = new(() =>
    {
        using var scope = NewDisposeScope();
        var x = linspace(-Math.PI, Math.PI, 2000, dtype: ScalarType.Float64);
        var X = stack([ones_like(x), x, x.pow(2), x.pow(3)], dim: 1);
        var y = sin(x).unsqueeze(1);
        var coefficients = linalg.lstsq(X, y).Solution;
        return (X.mm(coefficients) - y).pow(2).sum().item<double>();
    });

    [TestCaseSource(typeof(SectionTestContext), nameof(SectionTestContext.PolySections))]
    public void EveryPolySection_FitsTheSine_AtItsDefaults(TutorialSection section)
    {
        var result = SectionTestContext.RunOnce(section);
        var training = result.Training!;

        TestContext.Out.WriteLine($"{section.Name}: {training.FirstLoss} -> {training.FinalLoss} in {training.StepsCompleted} steps, {training.TimePerStep.TotalMilliseconds:F3} ms/step");
        TestContext.Out.WriteLine(result.TutorialResult);
        Assert.Multiple(() =>
        {
            Assert.That(training.StepsCompleted, Is.EqualTo(section.Training!.Steps));
            Assert.That(training.Losses.All(double.IsFinite), Is.True);
            Assert.That(training.FinalLoss, Is.LessThan(training.FirstLoss / 20), "the loss falls substantially");
            // As good as a cubic can fit sin, to within half again (seed 0: 8.9 to 12.3); poly-dynamic's
            // extra terms could in principle fit below the cubic optimum, but not by much.
            Assert.That(training.FinalLoss, Is.InRange(0.9 * BestCubicLoss.Value, 1.5 * BestCubicLoss.Value));
            Assert.That(result.TutorialResult, Does.StartWith("Result: y = "));
        });
    }

    [TestCase("poly-tensor", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3$")]
    [TestCase("poly-autograd", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3$")]
    [TestCase("poly-autograd-sin", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3$")]
    [TestCase("poly-custom-function", @"^Result: y = N \+ N \* P3\(N \+ N x\)$")]
    [TestCase("poly-nn", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3$")]
    [TestCase("poly-optim", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3$")]
    [TestCase("poly-module", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3$")]
    [TestCase("poly-dynamic", @"^Result: y = N \+ N x \+ N x\^2 \+ N x\^3 \+ N x\^4 \? \+ N x\^5 \?$")]
    public void ResultLine_IsTheScriptsFString(string name, string pattern)
    {
        var section = SectionCatalog.Find(name)!;

        string line = SectionTestContext.Run(section, steps: 20).TutorialResult!;

        Assert.That(PythonFloatRepr().Replace(line, "N"), Does.Match(pattern), line);
    }

    [Test]
    public void PolyTensor_AutogradAndModule_FollowTheSameTrajectory()
    {
        // The same random a, b, c, d and the same update, whether by hand, by autograd or by SGD on Polynomial3.
        var tensors = SectionTestContext.Run("poly-tensor", steps: 300, dtype: ScalarType.Float64).Training!;
        var autograd = SectionTestContext.Run("poly-autograd-sin", steps: 300, dtype: ScalarType.Float64).Training!;
        var module = SectionTestContext.Run("poly-module", steps: 300, dtype: ScalarType.Float64).Training!;

        Assert.Multiple(() =>
        {
            Assert.That(autograd.Losses, Is.EqualTo(tensors.Losses).Within(1e-10).Percent);
            Assert.That(module.Losses, Is.EqualTo(tensors.Losses).Within(1e-10).Percent);
        });
    }

    [Test]
    public void PolyCustomFunction_IsNotRandom_EverySeedGivesTheSameRun()
    {
        var seed0 = SectionTestContext.Run("poly-custom-function", steps: 50, seed: 0);
        var seed7 = SectionTestContext.Run("poly-custom-function", steps: 50, seed: 7);

        Assert.Multiple(() =>
        {
            Assert.That(seed7.Training!.Losses, Is.EqualTo(seed0.Training!.Losses));
            Assert.That(seed7.TutorialResult, Is.EqualTo(seed0.TutorialResult));
        });
    }

    [Test]
    public void PolyDynamic_SameSeed_SameRun()
    {
        var a = SectionTestContext.Run("poly-dynamic", steps: 200, seed: 3);
        var b = SectionTestContext.Run("poly-dynamic", steps: 200, seed: 3);

        Assert.Multiple(() =>
        {
            Assert.That(b.Training!.Losses, Is.EqualTo(a.Training!.Losses));
            Assert.That(b.TutorialResult, Is.EqualTo(a.TutorialResult));
        });
    }

    [Test]
    public void PolyAutograd_FitsTheExponential_PrintingTheLossRatioAndTheWeights()
    {
        // Today's polynomial_autograd.py: exp(x) on [-1, 1], `Using cpu device`, then every 100th step
        // `Iteration t = {t:4d}  loss(t)/loss(0) = {ratio:10.6f}  a = {a:10.6f}  b = ...  d = ...`, and no `t loss` lines.
        var section = SectionCatalog.Get("poly-autograd");
        var (result, output) = SectionTestContext.RunOnceWithOutput(section);
        var training = result.Training!;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var iterations = lines.Skip(1).Select(line => IterationLine().Match(line)).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(section.PrintsOwnLines, Is.True, "the tutorial format prints its lines, not `t loss`");
            Assert.That(section.DescribeData(NetworkSizes.Tutorial), Is.EqualTo("x = linspace(-1, 1, 2000)"));
            Assert.That(training.StepsCompleted, Is.EqualTo(5000));
            Assert.That(training.FinalLoss, Is.LessThan(training.FirstLoss / 10000), "the cubic fits exp(x) on [-1, 1] closely");
            Assert.That(lines[0], Is.EqualTo("Using cpu device"));
            Assert.That(iterations, Has.Length.EqualTo(50).And.All.Property(nameof(Match.Success)).True, string.Join('\n', lines.Take(3)));
            for (int i = 0; i < iterations.Length && iterations[i].Success; i++)
            {
                int t = int.Parse(iterations[i].Groups["t"].Value, CultureInfo.InvariantCulture);
                double ratio = double.Parse(iterations[i].Groups["ratio"].Value, CultureInfo.InvariantCulture);
                Assert.That(t, Is.EqualTo(100 * i + 99));
                Assert.That(ratio, Is.EqualTo(training.Losses[t] / training.Losses[0]).Within(5e-7 * (1 + 1e-9)), $"step {t}: the loss relative to step 0's, to six places");
            }

            Assert.That(result.TutorialResult, Does.StartWith("Result: y = "));
        });
    }

    [Test]
    public void PolySections_IgnoreTheNetworkSizes_AndDescribeTheirData()
    {
        var small = SectionTestContext.Run("poly-nn", steps: 20, sizes: new NetworkSizes(3, 4, 5, 6)).Training!;
        var tutorial = SectionTestContext.Run("poly-nn", steps: 20).Training!;

        Assert.Multiple(() =>
        {
            Assert.That(small.Losses, Is.EqualTo(tutorial.Losses));
            Assert.That(SectionCatalog.Get("poly-nn").DescribeData(NetworkSizes.Tutorial), Is.EqualTo("x = linspace(-pi, pi, 2000)"));
        });
    }

    [GeneratedRegex(@"^Iteration t = (?<t>[ \d]{3}\d)  loss\(t\)/loss\(0\) = (?<ratio>[ -]*\d+\.\d{6})(  [abcd] = [ -]*\d+\.\d{6}){4}$")]
    private static partial Regex IterationLine();

    // A Python float repr: -0.0123, 1.5e-05, 0.0, -2.2e-09.
    [GeneratedRegex(@"-?\d+\.\d+(e[+-]\d+)?")]
    private static partial Regex PythonFloatRepr();
}
