using TorchSharp;
using TorchTutorial.Devices;
using TorchTutorial.Training;
using TorchTutorial.Data;

namespace TorchTutorial.Tests.Devices;

public sealed class DeviceSelectionTests
{
    private static readonly CudaStatus CpuOnlyBuild = new("cpu", false, 0);
    private static readonly CudaStatus CudaBuildWithoutGpu = new("cuda", false, 0);
    private static readonly CudaStatus CudaBuildWithTwoGpus = new("cuda", true, 2);

    [TestCase("cpu", DeviceType.CPU, -1)]
    [TestCase(" CPU ", DeviceType.CPU, -1)]
    [TestCase("cuda", DeviceType.CUDA, -1)]
    [TestCase("cuda:0", DeviceType.CUDA, 0)]
    [TestCase("cuda:12", DeviceType.CUDA, 12)]
    [TestCase("auto", DeviceType.CUDA, -1)]
    public void Parse_AcceptsTheTutorialsDeviceNames(string text, DeviceType type, int index)
    {
        var request = DeviceSelection.Parse(text);
        Assert.That((request.Type, request.Index, request.IsAuto), Is.EqualTo((type, index, text == "auto")));
    }

    [TestCase("")]
    [TestCase("gpu")]
    [TestCase("tpu")]
    [TestCase("cuda:")]
    [TestCase("cuda:-1")]
    [TestCase("cuda:x")]
    [TestCase("cuda:1.5")]
    [TestCase("cuda:99999999999")]
    [TestCase("mps")]
    public void Parse_RejectsOtherText_WithTheAcceptedNames(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelection.Parse(text));
        Assert.That(error!.Message, Does.Contain($"'{text}'").And.Contain("cuda"));
    }

    [Test]
    public void Select_Cpu_IsTheCpu()
    {
        Assert.That(DeviceSelection.Select("cpu", CpuOnlyBuild).type, Is.EqualTo(DeviceType.CPU));
    }

    [Test]
    public void Select_Auto_FallsBackToTheCpuWithoutCuda()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DeviceSelection.Select("auto", CpuOnlyBuild).type, Is.EqualTo(DeviceType.CPU));
            Assert.That(DeviceSelection.Select("auto", CudaBuildWithoutGpu).type, Is.EqualTo(DeviceType.CPU));
        });
    }

    [TestCase("cuda")]
    [TestCase("cuda:0")]
    public void Select_Cuda_OnACpuOnlyBuild_SaysSoAndHowToFixIt(string text)
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelection.Select(text, CpuOnlyBuild));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Device, Is.EqualTo(text));
            Assert.That(error.Message, Does.Contain("CPU-only build").And.Contain("-p:TorchBackend=cuda"));
        });
    }

    [Test]
    public void Select_Cuda_WithoutADevice_SaysNoCudaDevice()
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelection.Select("cuda:0", CudaBuildWithoutGpu));
        Assert.That(error!.Message, Does.Contain("no CUDA device"));
    }

    [Test]
    public void Select_CudaIndexOutOfRange_NamesTheRange()
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelection.Select("cuda:2", CudaBuildWithTwoGpus));
        Assert.That(error!.Message, Does.Contain("index 2 is out of range").And.Contain("2 CUDA device(s)").And.Contain("cuda:0 to cuda:1"));
    }

    [TestCase("auto", 0)]
    [TestCase("cuda", 0)]
    [TestCase("cuda:0", 0)]
    [TestCase("cuda:1", 1)]
    public void Select_WithCudaAvailable_PicksThatCudaDevice(string text, int index)
    {
        var device = DeviceSelection.Select(text, CudaBuildWithTwoGpus);

        Assert.That((device.type, device.index), Is.EqualTo((DeviceType.CUDA, index)));
    }

    [Test]
    public void Select_Cpu_StaysOnTheCpu_EvenWithCudaAvailable()
    {
        Assert.That(DeviceSelection.Select("cpu", CudaBuildWithTwoGpus).type, Is.EqualTo(DeviceType.CPU));
    }

    [Test]
    public void CudaStatus_OfThisBuild_MatchesItsBackend()
    {
        var status = CudaStatus.Query();
        Assert.That(status.Backend, Is.AnyOf("cpu", "cuda", "external"));
        if (status.Backend == "cpu")
        {
            Assert.That(status.IsAvailable, Is.False);
        }
    }
}
