using TorchTutorial.Native;

namespace TorchTutorial.Compatibility.Tests;

/// <summary>The real native files the compatibility tests work on, read once per test run.</summary>
internal static class NativeTestFiles
{
    /// <summary>The TorchSharp version pinned in Directory.Packages.props.</summary>
    public const string TorchSharpVersion = "0.107.0";

    /// <summary>The one symbol TorchSharp 0.107.0's library binds to GLIBCXX_3.4.32.</summary>
    public const string IosBaseLibraryInit = "_ZSt21ios_base_library_initv";

    private static readonly Lazy<byte[]> LibTorchSharpBytes = new(() => File.ReadAllBytes(LibTorchSharpPath));

    /// <summary>The NuGet global packages folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string NuGetPackagesFolder
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            return string.IsNullOrEmpty(configured)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
                : configured;
        }
    }

    /// <summary>libLibTorchSharp.so as restored into the NuGet cache (never written by the tests).</summary>
    public static string LibTorchSharpPath
    {
        get
        {
            string path = Path.Combine(NuGetPackagesFolder, "torchsharp", TorchSharpVersion, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            if (!File.Exists(path))
            {
                Assert.Fail($"{path} is missing; run 'dotnet restore' so the TorchSharp {TorchSharpVersion} package is in the NuGet cache.");
            }

            return path;
        }
    }

    /// <summary>A fresh copy of libLibTorchSharp.so's bytes, safe to modify.</summary>
    public static byte[] LibTorchSharpCopy()
    {
        return (byte[])LibTorchSharpBytes.Value.Clone();
    }

    /// <summary>The host's libstdc++.so.6; ignores the calling test where there is none (Windows, macOS).</summary>
    public static string HostLibStdCxxPath
    {
        get
        {
            string? path = OperatingSystem.IsLinux() ? HostLibStdCxxLocator.Locate() : null;
            if (path == null)
            {
                Assert.Ignore("This host has no libstdc++.so.6.");
            }

            return path;
        }
    }

    /// <summary>SHA-256 of a file, as lowercase hex.</summary>
    public static string Sha256(string path)
    {
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
    }
}
