using System.Text.Json;
using System.Text.RegularExpressions;

namespace TorchTutorial.Examples.Tests.Cli;

/// <summary>The examples program end to end, through its entry in this process (<see cref="ExampleRun"/>); ExitCodeTests runs it as a process.</summary>
public sealed partial class ExampleProgramTests
{
    [TestCase("no-such-section")]
    [TestCase("autograd", "--no-such-option")]
    [TestCase("autograd", "--steps", "0")]
    [TestCase("autograd", "--steps", "-3")]
    [TestCase("autograd", "--steps", "many")]
    [TestCase("autograd", "--batch", "0")]
    [TestCase("autograd", "--hidden", "-1")]
    [TestCase("autograd", "--lr", "-1e-6")]
    [TestCase("autograd", "--lr", "0")]
    [TestCase("autograd", "--lr", "NaN")]
    [TestCase("autograd", "--lr", "Infinity")]
    [TestCase("autograd", "--lr", "fast")]
    [TestCase("autograd", "--device", "tpu")]
    [TestCase("autograd", "--device", "cuda:x")]
    [TestCase("autograd", "--threads", "0")]
    [TestCase("autograd", "--log-every", "0")]
    [TestCase("autograd", "--format", "xml")]
    [TestCase("autograd", "--plot", "loss.txt")]
    [TestCase("autograd", "--plot", "/no/such/folder/loss.png")]
    [TestCase("nn", "--fused")]
    public void BadInput_PrintsOneLineOnStderr_AndExitsWith2(params string[] arguments)
    {
        var outcome = ExampleRun.InProcess(arguments);

        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Stderr);
            Assert.That(lines, Has.Length.EqualTo(1), outcome.Stderr);
            Assert.That(outcome.Stderr, Does.StartWith("error: "));
            Assert.That(outcome.Stderr, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(outcome.Stdout, Is.Empty);
        });
    }

    [Test]
    public void CudaOnACpuOnlyBuild_IsAClearUsageError()
    {
        var outcome = ExampleRun.InProcess("autograd", "--device", "cuda:0");

        if (outcome.ExitCode == 0)
        {
            Assert.Ignore("This build has a usable CUDA device.");
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2));
            Assert.That(outcome.Stderr, Does.Contain("cuda:0").And.Contain("not available"));
            Assert.That(outcome.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Fused_PrintsTheScriptsAdamLosses_ToRoundOff()
    {
        // libtorch's fused kernel rounds Adam's update its own way: the first 100 of the 500 float32 losses agree to 1e-5
        // (FusedAdamTests holds the rest to the BLAS-spread rule), and the run ends where the plain one does.
        var plain = ExampleRun.InProcess("optim", "--format", "tutorial");
        var fused = ExampleRun.InProcess("optim", "--fused", "--format", "tutorial");
        static double[] Losses(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That((plain.ExitCode, fused.ExitCode), Is.EqualTo((0, 0)), plain.Stderr + fused.Stderr);
        var (expected, actual) = (Losses(plain.Stdout), Losses(fused.Stdout));
        Assert.Multiple(() =>
        {
            Assert.That(actual, Has.Length.EqualTo(500));
            Assert.That(actual.Zip(expected, (a, e) => Math.Abs(a - e) / Math.Abs(e)).Take(100).Max(), Is.LessThanOrEqualTo(1e-5), "the first 100 losses, relative");
            Assert.That(actual, Is.Not.EqualTo(expected), "the kernel's own rounding: --fused runs libtorch's kernel");
            Assert.That(actual[^1], Is.LessThan(actual[0] / 100), "it trains");
        });
    }

    [Test]
    public void TutorialFormat_PrintsExactlyTLossLines()
    {
        var outcome = ExampleRun.InProcess("autograd", "--steps", "7", "--format", "tutorial");

        var lines = outcome.Stdout.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(lines, Has.Length.EqualTo(7));
            Assert.That(lines, Has.All.Match(TLossLine()));
            Assert.That(lines.Select(l => int.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 7)));
            Assert.That(outcome.Stderr, Is.Empty);
        });
    }

    [Test]
    public void TutorialFormat_WithLogEvery_PrintsLikeTheTutorialsModulo()
    {
        var outcome = ExampleRun.InProcess("nn", "--steps", "30", "--log-every", "10", "--format", "tutorial", "--batch", "8", "--input", "20");

        Assert.That(outcome.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "9", "19", "29" }));
    }

    [Test]
    public void TutorialFormat_PolySection_PrintsEveryHundredthStep_ThenTheResultLine()
    {
        var outcome = ExampleRun.InProcess("poly-tensor", "--format", "tutorial");

        var lines = outcome.Stdout.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(lines, Has.Length.EqualTo(21));
            Assert.That(lines[..^1], Has.All.Match(TLossLine()));
            Assert.That(lines[..^1].Select(l => l.Split(' ')[0]), Is.EqualTo(Enumerable.Range(0, 20).Select(i => (100 * i + 99).ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.That(lines[^1], Does.Match(@"^Result: y = \S+ \+ \S+ x \+ \S+ x\^2 \+ \S+ x\^3$"));
            Assert.That(outcome.Stderr, Is.Empty);
        });
    }

    [Test]
    public void TutorialFormat_PolyCustomFunction_EndsWithItsP3ResultLine()
    {
        var outcome = ExampleRun.InProcess("poly-custom-function", "--steps", "300", "--format", "tutorial");

        var lines = outcome.Stdout.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(lines[..^1].Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "99", "199", "299" }));
            Assert.That(lines[^1], Does.Match(@"^Result: y = \S+ \+ \S+ \* P3\(\S+ \+ \S+ x\)$"));
        });
    }

    [Test]
    public void TutorialFormat_PolyDynamic_PrintsEvery2000thStep_AndStepsOverridesItsDefault()
    {
        var outcome = ExampleRun.InProcess("poly-dynamic", "--steps", "4000", "--format", "tutorial");

        var lines = outcome.Stdout.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(lines[..^1].Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "1999", "3999" }));
            Assert.That(lines[^1], Does.Match(@"^Result: y = .* x\^3 \+ (\S+) x\^4 \? \+ \1 x\^5 \?$"));
        });
    }

    [TestCase("poly-nn", null, 2000, 100, true)]
    [TestCase("poly-dynamic", "4000", 4000, 2000, true)]   // its own 30000 steps take seconds; its 2000 is checked here
    [TestCase("nn", null, 500, 1, false)]
    public void StepsAndLogEvery_DefaultToTheSectionsOwn(string section, string? stepsOption, int steps, int logEvery, bool hasResultLine)
    {
        // Small sizes keep nn quick; the polynomial sections ignore them.
        string[] options = stepsOption is null ? [] : ["--steps", stepsOption];
        var outcome = ExampleRun.InProcess([section, "--format", "json", "--batch", "8", "--input", "20", .. options]);

        using var json = JsonDocument.Parse(outcome.Stdout);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(root.GetProperty("options").GetProperty("steps").GetInt32(), Is.EqualTo(steps));
            Assert.That(root.GetProperty("options").GetProperty("logEvery").GetInt32(), Is.EqualTo(logEvery));
            Assert.That(root.GetProperty("losses").GetArrayLength(), Is.EqualTo(steps / logEvery));
            var result = root.GetProperty("tutorialResult");
            if (hasResultLine)
            {
                Assert.That(result.GetString(), Does.StartWith("Result: y = "));
            }
            else
            {
                Assert.That(result.ValueKind, Is.EqualTo(JsonValueKind.Null));
            }
        });
    }

    [Test]
    public void TextFormat_PolySection_DescribesItsData_AndShowsTheResultLine()
    {
        var outcome = ExampleRun.InProcess("poly-module", "--steps", "200");

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(outcome.Stdout, Does.Contain("== poly-module:").And.Contain("polynomial_module.py").And.Contain("x = linspace(-pi, pi, 2000)"));
            Assert.That(outcome.Stdout, Does.Not.Contain("D_in="), "the polynomial sections take no network sizes");
            Assert.That(outcome.Stdout, Does.Match(@"(?m)^99 \d").And.Match(@"(?m)^199 \d"));
            Assert.That(outcome.Stdout, Does.Match(@"(?m)^poly-module: Result: y = \S+ \+ \S+ x \+ \S+ x\^2 \+ \S+ x\^3$"));
        });
    }

    [Test]
    public void Compare_PolySection_WithWhatTheScriptPrinted_IncludingItsResultLine()
    {
        // What polynomial_nn.py prints at its defaults: every 100th loss, then the Result line.
        var reference = ParityReference.Load(Path.Combine(ParityReference.Folder, "poly-nn.defaults.json"));
        string path = Path.Combine(Path.GetTempPath(), $"torchtutorial-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, Enumerable.Range(0, reference.Losses.Length).Where(t => t % 100 == 99)
            .Select(t => $"{t} {TorchTutorial.Output.PythonFloat.Repr(reference.Losses[t])}")
            .Append(reference.Result!));
        try
        {
            var outcome = ExampleRun.InProcess("poly-nn", "--format", "tutorial", "--compare", path);

            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
                Assert.That(outcome.Stderr, Does.Contain("over 20 of 20 steps").And.Contain("within the tolerance"));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void JsonFormat_IsOneReportWithOptionsLossesAndTiming()
    {
        var outcome = ExampleRun.InProcess("optim", "--steps", "12", "--format", "json", "--seed", "3", "--lr", "0.001");

        using var json = JsonDocument.Parse(outcome.Stdout);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(root.GetProperty("section").GetString(), Is.EqualTo("optim"));
            Assert.That(root.GetProperty("options").GetProperty("seed").GetInt64(), Is.EqualTo(3));
            Assert.That(root.GetProperty("options").GetProperty("lr").GetDouble(), Is.EqualTo(0.001));
            Assert.That(root.GetProperty("options").GetProperty("device").GetString(), Is.EqualTo("cpu"));
            Assert.That(root.GetProperty("losses").GetArrayLength(), Is.EqualTo(12));
            Assert.That(root.GetProperty("finalLoss").GetDouble(), Is.EqualTo(root.GetProperty("losses")[11].GetProperty("loss").GetDouble()));
            Assert.That(root.GetProperty("timePerStepMs").GetDouble(), Is.GreaterThan(0));
        });
    }

    [Test]
    public void TextFormat_HasAHeaderLossesAndASummaryTable()
    {
        var outcome = ExampleRun.InProcess("module", "--steps", "5");

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(outcome.Stdout, Does.Contain("== module:").And.Contain("two_layer_net_module.py"));
            Assert.That(outcome.Stdout, Does.Contain("first loss").And.Contain("ms/step"));
            Assert.That(outcome.Stdout, Does.Match(@"(?m)^4 \d"));
        });
    }

    [Test]
    public void All_RunsEverySection_AndEndsWithTheSummaryTable()
    {
        var outcome = ExampleRun.InProcess("all", "--steps", "3", "--batch", "8", "--input", "20", "--hidden", "6", "--output", "3");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
        foreach (var name in new[]
                 {
                     "tensors", "autograd", "custom-function", "clamp", "static-graph", "nn", "optim", "module", "dynamic",
                     "poly-tensor", "poly-autograd", "poly-autograd-sin", "poly-custom-function", "poly-nn", "poly-optim", "poly-module", "poly-dynamic",
                 })
        {
            Assert.That(outcome.Stdout, Does.Contain($"== {name}:"));
            Assert.That(outcome.Stdout, Does.Match($@"(?m)^\s+{Regex.Escape(name)}\s+cpu\s"));
        }
    }

    [Test]
    public void Divergence_IsAClearMessage_WithoutNanLines()
    {
        var outcome = ExampleRun.InProcess("autograd", "--lr", "1", "--format", "tutorial");

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(3));
            Assert.That(outcome.Stderr, Does.Contain("diverged").And.Contain("learning rate 1").And.Contain("--lr"));
            Assert.That(outcome.Stdout, Does.Not.Contain("nan").And.Not.Contain("inf"));
        });
    }

    [TestCase(".png")]
    [TestCase(".svg")]
    public void Plot_WritesTheImage(string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), $"torchtutorial-{Guid.NewGuid():N}{extension}");
        try
        {
            var outcome = ExampleRun.InProcess("nn", "--steps", "40", "--format", "tutorial", "--plot", path);

            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            byte[] content = File.ReadAllBytes(path);
            if (extension == ".png")
            {
                Assert.That(content.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
            }
            else
            {
                Assert.That(System.Text.Encoding.UTF8.GetString(content), Does.Contain("<svg"));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Compare_WithTheRecordedPyTorchRun_IsWithinTheDefaultTolerance()
    {
        string reference = WriteTutorialOutput(ParityReference.Load(Path.Combine(ParityReference.Folder, "nn.defaults.json")).Losses[..100]);
        try
        {
            var outcome = ExampleRun.InProcess("nn", "--steps", "100", "--format", "tutorial", "--compare", reference);

            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
                Assert.That(outcome.Stderr, Does.Contain("worst relative deviation").And.Contain("within the tolerance"));
            });
        }
        finally
        {
            File.Delete(reference);
        }
    }

    [Test]
    public void Compare_AboveTheTolerance_ExitsWith5()
    {
        string reference = WriteTutorialOutput(ParityReference.Load(Path.Combine(ParityReference.Folder, "nn.defaults.json")).Losses[..100]);
        try
        {
            var outcome = ExampleRun.InProcess("nn", "--steps", "100", "--format", "tutorial", "--compare", reference, "--tolerance", "1e-12");

            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.EqualTo(5));
                Assert.That(outcome.Stderr, Does.Contain("ABOVE the tolerance"));
            });
        }
        finally
        {
            File.Delete(reference);
        }
    }

    [TestCase("0 1.5\n1 1.2\nhello\n", "expected 't loss'")]
    [TestCase("0 1.5\n0 1.2\n", "steps must increase")]
    [TestCase("0 1.5\n1 nan\n", "diverged")]
    [TestCase("", "no 't loss' lines")]
    [TestCase("0 1.5\n1 1.2\n2 1.1\n", "different steps")]
    public void Compare_WithAMalformedOrMismatchedFile_IsAClearUsageError(string content, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"torchtutorial-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        try
        {
            var outcome = ExampleRun.InProcess("nn", "--steps", "5", "--batch", "8", "--input", "20", "--format", "tutorial", "--compare", path);

            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.EqualTo(2));
                Assert.That(outcome.Stderr, Does.Contain(message));
                Assert.That(outcome.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteTutorialOutput(double[] losses)
    {
        string path = Path.Combine(Path.GetTempPath(), $"torchtutorial-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, losses.Select((loss, t) => $"{t} {TorchTutorial.Output.PythonFloat.Repr(loss)}"));
        return path;
    }

    [GeneratedRegex(@"^\d+ -?\d+(\.\d+)?(e[+-]\d+)?$")]
    private static partial Regex TLossLine();
}
