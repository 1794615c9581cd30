using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using TorchTutorial.Benchmarks.Suites;

namespace TorchTutorial.Benchmarks.Modes;

/// <summary>What the .NET side knows about the machine and the libraries; written to <c>environment.json</c>.</summary>
public static class EnvironmentInfo
{
    /// <summary>The facts.</summary>
    public sealed record Info(string Framework, string Os, string Architecture, int ProcessorCount, string TorchSharpVersion,
        int LibtorchDefaultThreads, int LibtorchDefaultInteropThreads, string? OmpNumThreads, string GcMode);

    /// <summary>Collects and writes them.</summary>
    public static Info Write(string resultsDirectory)
    {
        var asm = typeof(torch).Assembly;
        string version = asm.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? asm.GetName().Version!.ToString();
        var info = new Info(RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription, RuntimeInformation.ProcessArchitecture.ToString(),
            Environment.ProcessorCount, version.Split('+')[0], TorchThreads.Default, torch.get_num_interop_threads(),
            Environment.GetEnvironmentVariable("OMP_NUM_THREADS"),
            System.Runtime.GCSettings.IsServerGC ? "server" : "workstation" + (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Interactive ? ", concurrent" : string.Empty));
        Directory.CreateDirectory(resultsDirectory);
        File.WriteAllText(Path.Combine(resultsDirectory, "environment.json"), JsonSerializer.Serialize(info, Json.Options));
        Console.WriteLine(JsonSerializer.Serialize(info, Json.Options));
        return info;
    }
}
