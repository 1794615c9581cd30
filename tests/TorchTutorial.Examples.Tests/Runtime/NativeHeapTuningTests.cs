using System.Runtime.InteropServices;

namespace TorchTutorial.Examples.Tests.Runtime;

/// <summary>The examples program calls <c>NativeHeap.Tune()</c> at start-up (the library's NativeHeapTests: only a caller that asks).</summary>
public sealed class NativeHeapTuningTests
{
    [Test]
    [Platform("Linux")]
    public void TheExamplesProgram_Tunes_SparingTheSteps_ThePageFaults_ThatTurningItOffBringsBack()
    {
        // optim's step frees ~400 KB temporaries; with glibc's defaults they go back to the kernel and fault in again.
        // A one-step run gives the start-up's faults (loading libtorch), so what remains is the steps' share.
        const int Steps = 1000;
        long startup = MinorFaultsOfChild(() => ProcessRunner.RunExamples(Run(1)));
        long tuned = MinorFaultsOfChild(() => ProcessRunner.RunExamples(Run(Steps)));
        long untuned = MinorFaultsOfChild(() => ProcessRunner.RunExamples(Run(Steps), ("TORCHTUTORIAL_MALLOC_TUNING", "0")));

        double tunedPerStep = (tuned - startup) / (double)(Steps - 1);
        double untunedPerStep = (untuned - startup) / (double)(Steps - 1);
        TestContext.Out.WriteLine(
            $"minor page faults: start-up {startup}; {Steps} steps {tuned} tuned ({tunedPerStep:F1}/step), " +
            $"{untuned} with TORCHTUTORIAL_MALLOC_TUNING=0 ({untunedPerStep:F1}/step)");
        // Tuned, the steps fault a few pages each. Untuned, glibc's dynamic mmap threshold makes the count vary from run to
        // run, but it stays several times the tuned one (the counts are in the test's output).
        Assert.That(tunedPerStep, Is.LessThan(10), "the tuned steps fault their temporaries in again");
        Assert.That(untunedPerStep, Is.GreaterThan(3 * Math.Max(tunedPerStep, 1)), "without the setting the steps should fault more; is the test still measuring it?");
    }

    private static string[] Run(int steps) => ["optim", "--steps", steps.ToString(), "--format", "json"];

    private static long MinorFaultsOfChild(Func<ProcessRunner.Outcome> run)
    {
        long before = ChildrenMinorFaults();
        var outcome = run();
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
        return ChildrenMinorFaults() - before;
    }

    // getrusage(RUSAGE_CHILDREN): the waited-for children's totals. struct rusage is two timevals, then longs: ru_minflt
    // is the fifth of them.
    private static long ChildrenMinorFaults()
    {
        var usage = new long[18];
        Assert.That(getrusage(-1, usage), Is.EqualTo(0));
        return usage[4 + 4];
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, [Out] long[] usage);
}
