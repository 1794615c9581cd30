using TorchTutorial.Runtime;
using TorchTutorial.Training;
using static TorchSharp.torch;

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
    public void TrainingLoop_LeavesTheAllocatorAlone()
    {
        // Only a caller that names NativeHeap.Tune changes it; this test process never does.
        Assume.That(NativeHeap.IsTuned, Is.False, "something in this test process called NativeHeap.Tune");
        using var weights = ones(400, 1000, requires_grad: true);

        new TrainingLoop(new TrainingOptions(steps: 3, learningRate: 1e-3)).Run(_ => (weights * weights).sum());

        Assert.That(NativeHeap.IsTuned, Is.False, "TrainingLoop.Run tuned glibc's allocator for the whole process");
    }
}
