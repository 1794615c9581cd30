using TorchSharp;
using TorchTutorial.Runtime;

/// <summary>
/// Loads libtorch once for the whole run, as every program using the library must. Outside any namespace, so that
/// it applies to every test of the assembly that links it.
/// </summary>
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
