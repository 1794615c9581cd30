using TorchTutorial.Optimizers;

namespace TorchTutorial.Tests.Optimizers;

/// <summary>For tests of <see cref="FusedAdam"/>'s bit-for-bit CPU path, which only x86-64 CPUs with AVX2 and FMA take.</summary>
internal static class CpuPath
{
    /// <summary>Skips the calling test, with the reason, where the CPU path does not run.</summary>
    public static void Require()
    {
        if (!AdamArithmetic.IsSupported)
        {
            Assert.Ignore("FusedAdam's bit-for-bit CPU path needs an x86-64 CPU with AVX2 and FMA, and .NET using them " +
                          "(DOTNET_EnableAVX2 not 0); here every parameter takes libtorch's fused kernel, which agrees with Adam to round-off only.");
        }
    }
}
