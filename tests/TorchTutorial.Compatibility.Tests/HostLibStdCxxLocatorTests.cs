using TorchTutorial.Native;

namespace TorchTutorial.Compatibility.Tests;

/// <summary><see cref="HostLibStdCxxLocator"/>: /proc/PID/maps parsing and the real lookup.</summary>
[TestFixture]
public sealed class HostLibStdCxxLocatorTests
{
    [TestCase(
        "7f1c2a400000-7f1c2a49a000 r--p 00000000 08:01 1837514                    /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
        TestName = "the versioned file the soname symlink points to")]
    [TestCase(
        "7f1c2a400000-7f1c2a49a000 r-xp 00000000 08:01 42 /opt/gcc 13/lib64/libstdc++.so.6",
        "/opt/gcc 13/lib64/libstdc++.so.6",
        TestName = "a path with a space")]
    [TestCase(
        "7f1c2a400000-7f1c2a49a000 r-xp 00000000 08:01 42 /usr/lib/libstdc++.so.6.0.33 (deleted)",
        "/usr/lib/libstdc++.so.6.0.33",
        TestName = "a library replaced by an upgrade")]
    public void FindInProcessMapsReturnsTheMappedLibStdCxx(string mapping, string expected)
    {
        string maps = string.Join(
            '\n',
            "55d0c1a00000-55d0c1a21000 r--p 00000000 08:01 1311 /usr/share/dotnet/dotnet",
            "55d0c2b3f000-55d0c2c60000 rw-p 00000000 00:00 0                          [heap]",
            "7f1c2a000000-7f1c2a010000 r--p 00000000 08:01 999 /usr/lib/x86_64-linux-gnu/libstdc++fs.so.6",
            mapping,
            "7ffd5a3e0000-7ffd5a401000 rw-p 00000000 00:00 0                          [stack]");

        Assert.That(HostLibStdCxxLocator.FindInProcessMaps(maps), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("55d0c2b3f000-55d0c2c60000 rw-p 00000000 00:00 0 [heap]\n7f1c2a000000-7f1c2a010000 r--p 00000000 08:01 9 /usr/lib/libc.so.6\n")]
    public void FindInProcessMapsReturnsNullWithoutALibStdCxxMapping(string maps)
    {
        Assert.That(HostLibStdCxxLocator.FindInProcessMaps(maps), Is.Null);
    }

    [Test]
    public void ProbeReturnsTheFirstDirectoryHoldingLibStdCxx()
    {
        string root = Path.Combine(Path.GetTempPath(), "torchtutorial-probe-" + Guid.NewGuid().ToString("N"));
        string[] directories = [Path.Combine(root, "a"), Path.Combine(root, "b"), Path.Combine(root, "c")];
        try
        {
            foreach (string directory in directories.Skip(1))
            {
                Directory.CreateDirectory(directory);
                File.WriteAllBytes(Path.Combine(directory, "libstdc++.so.6"), []);
            }

            using (Assert.EnterMultipleScope())
            {
                Assert.That(HostLibStdCxxLocator.Probe(directories), Is.EqualTo(Path.Combine(directories[1], "libstdc++.so.6")));
                Assert.That(HostLibStdCxxLocator.Probe(directories.Take(1)), Is.Null);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void LocateFindsTheLibStdCxxThisProcessUses()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("/proc/self/maps and libstdc++.so.6 are Linux-only.");
        }

        string? located = HostLibStdCxxLocator.Locate();
        string? mapped = HostLibStdCxxLocator.FindInProcessMaps(File.ReadAllText("/proc/self/maps"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(located, Is.Not.Null.And.Matches<string>(File.Exists));
            Assert.That(Path.GetFileName(located), Does.StartWith("libstdc++.so.6"));
            if (mapped != null)
            {
                Assert.That(located, Is.EqualTo(mapped));
            }
        }
    }
}
