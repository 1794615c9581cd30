using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchTutorial.Examples.Tests.Sections;

namespace TorchTutorial.Examples.Tests.Cli;

/// <summary>The exit codes and options the README promises, run as a user runs the program.</summary>
public sealed class ExitCodeTests
{
    private static readonly string[] Small = ["--batch", "8", "--input", "20", "--hidden", "6", "--output", "3"];

    [TestCase("nn", "--tolerance", "0")]
    [TestCase("nn", "--tolerance", "-1")]
    [TestCase("nn", "--tolerance", "NaN")]
    [TestCase("nn", "--compare", "/no/such/reference.txt")]
    [TestCase("optim", "--load", "/no/such/optim.pt")]
    [TestCase("clamp", "--steps", "5")]
    public void BadInput_IsOneLine_AndExit2(params string[] arguments)
    {
        var outcome = ProcessRunner.RunExamples(arguments);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Stderr);
            Assert.That(outcome.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), outcome.Stderr);
            Assert.That(outcome.Stderr, Does.StartWith("error: ").And.Contain(arguments[1]));
            Assert.That(outcome.Stdout, Is.Empty);
        });
    }

    [Test]
    public void AnOutputFileThatCannotBeWritten_IsExit1_AndTheRunStillPrinted()
    {
        string folder = Directory.CreateTempSubdirectory("torchtutorial-plot-").FullName;
        try
        {
            string plot = Path.Combine(folder, "loss.png");
            Directory.CreateDirectory(plot);   // a folder where the file should go: writing it fails even as root

            var outcome = ProcessRunner.RunExamples(["nn", "--steps", "5", "--format", "tutorial", "--plot", plot, .. Small]);

            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.EqualTo(1), outcome.Stderr);
                Assert.That(outcome.Stderr, Does.StartWith("error: --plot").And.Contain(plot));
                Assert.That(outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(5), "the losses were printed first");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ALibTorchSharpThatDoesNotLoad_IsExit4_NamingTheFile()
    {
        // A copy of the program (hard links: the host resolves symbolic links back to the original folder) whose
        // libLibTorchSharp.so is not a shared library at all.
        string folder = Directory.CreateTempSubdirectory("torchtutorial-broken-").FullName;
        try
        {
            var copy = ProcessRunner.Run("cp", ["-al", AppContext.BaseDirectory.TrimEnd('/') + "/.", folder], TimeSpan.FromMinutes(1));
            Assert.That(copy.ExitCode, Is.EqualTo(0), copy.Stderr);
            string library = Path.Combine(folder, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            File.Delete(library);
            File.WriteAllText(library, "not an ELF file");

            var outcome = ProcessRunner.Run("dotnet", [Path.Combine(folder, "TorchTutorial.Examples.dll"), "autograd", "--steps", "3"], TimeSpan.FromMinutes(2));

            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.Stderr);
                Assert.That(outcome.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), outcome.Stderr);
                Assert.That(outcome.Stderr, Does.StartWith("error: ").And.Contain("libLibTorchSharp.so"));
                Assert.That(outcome.Stderr, Does.Not.Contain("   at "));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    [Platform("Linux")]
    public void CtrlC_StopsAfterTheCurrentStep_PrintsTheSummary_AndExits130()
    {
        // Through env --default-signal=INT, as a terminal starts a program: a process started in the background of a
        // non-interactive shell (nohup ... &, some CI runners) ignores SIGINT, the child inherits that across exec, and
        // .NET then leaves Ctrl+C ignored too (the run went on to its millionth step).
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--default-signal=INT", "dotnet", RepositoryPaths.ExamplesDll, "optim", "--steps", "1000000", .. Small])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("0 ", StringComparison.Ordinal))
        {
            // until training is under way
        }

        var rest = process.StandardOutput.ReadToEndAsync();
        string state = SignalState(process.Id);
        var signal = ProcessRunner.Run("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));
        bool exited = process.WaitForExit(TimeSpan.FromMinutes(1));
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.Multiple(() =>
        {
            Assert.That(signal.ExitCode, Is.EqualTo(0), signal.Stderr);
            Assert.That(exited, Is.True, $"the program stops after the step in progress (its signal state before the SIGINT: {state})");
            Assert.That(process.ExitCode, Is.EqualTo(130), stderr.Result);
            Assert.That(rest.Result, Does.Contain("Stopped by Ctrl+C").And.Contain("first loss"));
        });
    }

    /// <summary>The Sig* lines of /proc/PID/status (SigIgn bit 1 set: SIGINT ignored; SigCgt bit 1: caught).</summary>
    private static string SignalState(int pid)
    {
        try
        {
            return string.Join(" ", File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal)).Select(l => l.Replace('\t', ' ')));
        }
        catch (IOException)
        {
            return "(no /proc status)";
        }
    }

    [Test]
    public void DType64_FromTheCommandLine_ComputesWhatTheLibraryComputesInFloat64()
    {
        var outcome = ProcessRunner.RunExamples(["nn", "--steps", "6", "--format", "tutorial", "--dtype", "float64", .. Small]);
        var expected = SectionTestContext.Run("nn", steps: 6, sizes: new Data.NetworkSizes(8, 20, 6, 3), dtype: TorchSharp.torch.ScalarType.Float64).Training!;

        var printed = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(printed, Is.EqualTo(expected.Losses), "float64 losses, printed in full");
            Assert.That(printed.Select(v => (double)(float)v), Is.Not.EqualTo(printed), "values a float32 run could not print");
        });
    }

    [Test]
    public void DeviceAuto_WithoutCuda_RunsOnTheCpu()
    {
        var outcome = ProcessRunner.RunExamples(["autograd", "--steps", "3", "--device", "auto", "--format", "json", .. Small]);
        using var report = JsonDocument.Parse(outcome.Stdout);

        string device = report.RootElement.GetProperty("options").GetProperty("device").GetString()!;
        if (device.StartsWith("cuda", StringComparison.Ordinal))
        {
            Assert.Ignore("This build has a usable CUDA device: auto chose " + device);
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(device, Is.EqualTo("cpu"));
            Assert.That(report.RootElement.GetProperty("stepsCompleted").GetInt32(), Is.EqualTo(3));
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Threads_SetsLibtorchsThreadCount(int threads)
    {
        var outcome = ProcessRunner.RunExamples(["nn", "--steps", "3", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--format", "json", .. Small]);
        using var report = JsonDocument.Parse(outcome.Stdout);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
            Assert.That(report.RootElement.GetProperty("libtorchThreads").GetInt32(), Is.EqualTo(threads));
        });
    }
}
