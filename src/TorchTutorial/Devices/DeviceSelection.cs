using System.Globalization;
using TorchSharp;

namespace TorchTutorial.Devices;

/// <summary>
/// Chooses the device the way the tutorial does with <c>device = torch.device("cpu")</c> or <c>"cuda:0"</c>,
/// plus <c>auto</c>: CUDA when available, else the CPU.
/// </summary>
public static class DeviceSelection
{
    /// <summary>The device names <see cref="Select(string)"/> accepts, for help texts.</summary>
    public const string Accepted = "cpu, cuda, cuda:N or auto";

    /// <summary>Returns the device for <paramref name="specification"/> in this process.</summary>
    /// <param name="specification"><c>cpu</c>, <c>cuda</c> (device 0), <c>cuda:N</c> or <c>auto</c>.</param>
    /// <exception cref="ArgumentException">The text is not a device name.</exception>
    /// <exception cref="DeviceUnavailableException">The device is well-formed but cannot be used here.</exception>
    public static torch.Device Select(string specification) => Select(specification, CudaStatus.Query());

    /// <summary>Returns the device for <paramref name="specification"/> given an explicit CUDA status.</summary>
    /// <param name="specification"><c>cpu</c>, <c>cuda</c> (device 0), <c>cuda:N</c> or <c>auto</c>.</param>
    /// <param name="cuda">What CUDA offers; <see cref="CudaStatus.Query"/> for this process.</param>
    /// <exception cref="ArgumentException">The text is not a device name.</exception>
    /// <exception cref="DeviceUnavailableException">The device is well-formed but cannot be used here.</exception>
    public static torch.Device Select(string specification, CudaStatus cuda)
    {
        var (type, index) = Parse(specification);
        if (type == DeviceType.CPU)
        {
            return torch.CPU;
        }

        if (type == DeviceType.CUDA && index < 0 && specification.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return cuda.IsAvailable && cuda.DeviceCount > 0 ? new torch.Device(DeviceType.CUDA, 0) : torch.CPU;
        }

        int ordinal = Math.Max(index, 0);
        if (cuda.Backend == "cpu")
        {
            throw new DeviceUnavailableException(specification,
                $"Device '{specification}' is not available: this is a CPU-only build (libtorch-cpu). " +
                "Build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use --device cpu.");
        }

        if (!cuda.IsAvailable || cuda.DeviceCount == 0)
        {
            throw new DeviceUnavailableException(specification,
                $"Device '{specification}' is not available: libtorch finds no CUDA device (no NVIDIA GPU, or no driver for CUDA 12.8). " +
                "Check nvidia-smi, or use --device cpu.");
        }

        if (ordinal >= cuda.DeviceCount)
        {
            throw new DeviceUnavailableException(specification,
                $"Device '{specification}' is not available: index {ordinal} is out of range, this machine has {cuda.DeviceCount} CUDA device(s) (cuda:0" +
                (cuda.DeviceCount > 1 ? $" to cuda:{cuda.DeviceCount - 1}" : string.Empty) + ").");
        }

        torch.InitializeDeviceType(DeviceType.CUDA);
        return new torch.Device(DeviceType.CUDA, ordinal);
    }

    /// <summary>
    /// Checks the syntax of a device name without touching libtorch. <c>auto</c> parses as CUDA with index -1.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a device name.</exception>
    public static (DeviceType Type, int Index) Parse(string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        string text = specification.Trim().ToLowerInvariant();
        switch (text)
        {
            case "cpu":
                return (DeviceType.CPU, -1);
            case "auto":
            case "cuda":
                return (DeviceType.CUDA, -1);
        }

        if (text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            string digits = text["cuda:".Length..];
            if (digits.Length > 0 && digits.All(char.IsAsciiDigit)
                && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                return (DeviceType.CUDA, index);
            }

            throw new ArgumentException($"Invalid device '{specification}': the CUDA index must be a non-negative integer, as in cuda:0.", nameof(specification));
        }

        throw new ArgumentException($"Invalid device '{specification}': expected {Accepted}.", nameof(specification));
    }
}
