namespace TorchTutorial.Examples.Tests.Runtime;

/// <summary>TORCHTUTORIAL_LIBTORCH in a build that carries its own libtorch (the tests' cpu build) is refused, not mixed in.</summary>
public sealed class ExternalLibtorchVariableTests
{
    [Test]
    public void VariableInABuildWithItsOwnLibtorch_IsOneLineAndExitCode4()
    {
        var outcome = ProcessRunner.Run("env",
            ["TORCHTUTORIAL_LIBTORCH=/usr/lib/python3/dist-packages/torch/lib", "dotnet", RepositoryPaths.ExamplesDll, "autograd", "--steps", "1"],
            TimeSpan.FromMinutes(2));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.Stdout + outcome.Stderr);
            Assert.That(outcome.Stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), outcome.Stderr);
            Assert.That(outcome.Stderr, Does.Contain("TORCHTUTORIAL_LIBTORCH is set").And.Contain("carries its own libtorch (cpu)").And.Contain("-p:TorchBackend=external"));
            Assert.That(outcome.Stdout, Is.Empty);
        });
    }
}
