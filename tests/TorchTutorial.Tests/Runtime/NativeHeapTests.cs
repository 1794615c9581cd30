using System.Runtime.InteropServices;
using TorchTutorial.Runtime;

namespace TorchTutorial.Tests.Runtime;

public sealed class NativeHeapTests
{
    [TestCase(null, null, true)]
    [TestCase("1", null, true)]
    [TestCase("0", null, false)]
    [TestCase("off", null, false)]
    [TestCase("FALSE", null, false)]
    [TestCase(null, "MALLOC_TRIM_THRESHOLD_", false)]
    [TestCase(null, "MALLOC_MMAP_THRESHOLD_", false)]
    [TestCase(null, "MALLOC_TOP_PAD_", false)]
    [TestCase(null, "MALLOC_MMAP_MAX_", false)]
    public void TheSetting_IsOptOut_AndYieldsToTheUsersOwnMallocVariables(string? tuning, string? userVariable, bool wanted)
    {
        var environment = new Dictionary<string, string?> { ["TORCHTUTORIAL_MALLOC_TUNING"] = tuning };
        if (userVariable is not null)
        {
            environment[userVariable] = "65536";
        }

        Assert.That(NativeHeap.Wanted(name => environment.GetValueOrDefault(name)), Is.EqualTo(wanted));
    }

    [TestCase("glibc.malloc.trim_threshold=65536", false)]
    [TestCase("glibc.rtld.optional_static_tls=2048", true)]
    public void GlibcTunables_CountOnlyWhenTheyTuneMalloc(string tunables, bool wanted)
    {
        Assert.That(NativeHeap.Wanted(name => name == "GLIBC_TUNABLES" ? tunables : null), Is.EqualTo(wanted));
    }

    [Test]
    [Platform("Linux")]
    public void TheSetting_SparesTheSteps_ThePageFaults_ThatTurningItOffBringsBack()
    {
        // optim's step frees ~400 KB temporaries; with glibc's defaults they go back to the kernel and fault in again.
        string[] run = ["optim", "--steps", "1000", "--format", "json"];
        long tuned = MinorFaultsOfChild(() => ProcessRunner.RunExamples(run));
        long untuned = MinorFaultsOfChild(() => ProcessRunner.RunExamples(run, ("TORCHTUTORIAL_MALLOC_TUNING", "0")));

        TestContext.Out.WriteLine($"minor page faults of one optim run: {tuned} tuned, {untuned} with TORCHTUTORIAL_MALLOC_TUNING=0");
        Assert.That(untuned - tuned, Is.GreaterThan(50 * 1000), "at least 50 faults per step more without the setting (measured ~110)");
    }

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
