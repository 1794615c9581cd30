using TorchSharp;
using TorchTutorial.Runtime;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>Loads libtorch once for the whole run, as every program using the library must.</summary>
[SetUpFixture]
public sealed class TorchSetup
{
    /// <summary>Loads the native runtime and pins libtorch to one thread so results are repeatable.</summary>
    [OneTimeSetUp]
    public void LoadTorch()
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
    }
}
