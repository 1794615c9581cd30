using TorchTutorial.Devices;
using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Examples.Tests.Sections;

/// <summary>A section on the GPU (skipped without CUDA).</summary>
public sealed class CudaSectionTests
{
    [Test]
    [Category("CUDA")]
    public void AutogradSection_TrainsOnCuda()
    {
        var status = CudaStatus.Query();
        if (!status.IsAvailable)
        {
            Assert.Ignore($"No CUDA here (backend {status.Backend}, {status.DeviceCount} device(s)); build with -p:TorchBackend=cuda on a GPU machine to run this test.");
        }

        var device = DeviceSelection.Select(DeviceSelection.Parse("cuda:0"));
        var result = SectionContext.Run(RunSettings.Defaults(SectionCatalog.Get("autograd"), device)).Training!;

        Assert.That(result.FinalLoss, Is.LessThan(result.FirstLoss * 1e-4));
    }
}
