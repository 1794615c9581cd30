using TorchSharp;
using TorchTutorial.Runtime;

namespace TorchTutorial.Devices;

/// <summary>What this process can use of CUDA: the libtorch backend it was built with and the devices it sees.</summary>
/// <param name="Backend">
/// The libtorch backend of this build: <c>cpu</c>, <c>cuda</c>, or <c>external</c> (a libtorch folder chosen at run time,
/// which may or may not be a CUDA build: only libtorch itself can tell).
/// </param>
/// <param name="IsAvailable">True when libtorch reports CUDA as usable.</param>
/// <param name="DeviceCount">The number of CUDA devices libtorch sees.</param>
public readonly record struct CudaStatus(string Backend, bool IsAvailable, int DeviceCount)
{
    /// <summary>
    /// Queries libtorch (loading it first) for this process's CUDA status. A <c>cpu</c> build has no CUDA; for <c>cuda</c>
    /// and <c>external</c> builds the answer is libtorch's own <c>torch.cuda.is_available()</c>.
    /// </summary>
    public static CudaStatus Query()
    {
        TorchRuntime.EnsureLoaded();
        if (TorchRuntime.Backend == "cpu")
        {
            return new CudaStatus(TorchRuntime.Backend, false, 0);
        }

        bool available = torch.cuda.is_available();
        return new CudaStatus(TorchRuntime.Backend, available, available ? torch.cuda.device_count() : 0);
    }
}
