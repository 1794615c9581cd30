using TorchTutorial.Devices;

namespace TorchTutorial.Tests.Runtime;

/// <summary>
/// In an external build the CUDA answer is libtorch's (CudaStatus asks torch.cuda.is_available()), so a missing GPU is
/// reported as such, never as "a CPU-only build".
/// </summary>
public sealed class ExternalBackendDeviceTests
{
    private static readonly CudaStatus ExternalWithoutCuda = new("external", false, 0);

    [Test]
    public void Cuda_WhenTheExternalLibtorchHasNone_SaysLibtorchFindsNoDevice()
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelection.Select("cuda", ExternalWithoutCuda));

        Assert.That(error!.Message, Does.Contain("libtorch finds no CUDA device").And.Not.Contain("CPU-only build"));
    }

    [Test]
    public void Auto_WhenTheExternalLibtorchHasNone_IsTheCpu()
    {
        Assert.That(DeviceSelection.Select("auto", ExternalWithoutCuda).type, Is.EqualTo(TorchSharp.DeviceType.CPU));
    }
}
