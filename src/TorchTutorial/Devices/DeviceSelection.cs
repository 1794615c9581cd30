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
    public static torch.Device Select(string specification) => Select(Parse(specification));

    /// <summary>Decides the device for <paramref name="specification"/> given an explicit CUDA status, without touching libtorch.</summary>
    /// <param name="specification"><c>cpu</c>, <c>cuda</c> (device 0), <c>cuda:N</c> or <c>auto</c>.</param>
    /// <param name="cuda">What CUDA offers; <see cref="CudaStatus.Query"/> for this process.</param>
    /// <exception cref="ArgumentException">The text is not a device name.</exception>
    /// <exception cref="DeviceUnavailableException">The device is well-formed but cannot be used here.</exception>
    public static torch.Device Select(string specification, CudaStatus cuda) => Select(Parse(specification), cuda);

    /// <summary>
    /// Decides the device for an already parsed <paramref name="request"/> given an explicit CUDA status; it does not touch
    /// libtorch (<see cref="Select(DeviceRequest)"/> also initialises CUDA when it picks a CUDA device).
    /// </summary>
    /// <param name="request">What <see cref="Parse"/> made of the user's text.</param>
    /// <param name="cuda">What CUDA offers; <see cref="CudaStatus.Query"/> for this process.</param>
    /// <exception cref="DeviceUnavailableException">The device cannot be used here.</exception>
    public static torch.Device Select(DeviceRequest request, CudaStatus cuda)
    {
        string specification = request.Text;
        if (request.Type == DeviceType.CPU)
        {
            return torch.CPU;
        }

        if (request.IsAuto)
        {
            return cuda.IsAvailable && cuda.DeviceCount > 0 ? new torch.Device(DeviceType.CUDA, 0) : torch.CPU;
        }

        int ordinal = Math.Max(request.Index, 0);
        if (cuda.Backend == "cpu")
        {
            throw new DeviceUnavailableException(specification,
                $"Device '{specification}' is not available: this is a CPU-only build (libtorch-cpu). " +
                "Build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use --device cpu.");
        }

        if (!cuda.IsAvailable || cuda.DeviceCount == 0)
        {
            throw new DeviceUnavailableException(specification,
                $"Device '{specification}' is not available: libtorch finds no CUDA device (no NVIDIA GPU, or no driver for the CUDA version libtorch was built with). " +
                "Check nvidia-smi, or use --device cpu.");
        }

        if (ordinal >= cuda.DeviceCount)
        {
            throw new DeviceUnavailableException(specification,
                $"Device '{specification}' is not available: index {ordinal} is out of range, this machine has {cuda.DeviceCount} CUDA device(s) (cuda:0" +
                (cuda.DeviceCount > 1 ? $" to cuda:{cuda.DeviceCount - 1}" : string.Empty) + ").");
        }

        return new torch.Device(DeviceType.CUDA, ordinal);
    }

    /// <summary>Returns the device for an already parsed <paramref name="request"/> in this process, CUDA initialised when chosen.</summary>
    /// <exception cref="DeviceUnavailableException">The device cannot be used here.</exception>
    public static torch.Device Select(DeviceRequest request)
    {
        if (request.Type == DeviceType.CPU)
        {
            return torch.CPU;
        }

        var device = Select(request, CudaStatus.Query());
        if (device.type == DeviceType.CUDA)
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
        }

        return device;
    }

    /// <summary>
    /// Checks the syntax of a device name without touching libtorch, once; <see cref="Select(DeviceRequest, CudaStatus)"/>
    /// resolves the result.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a device name.</exception>
    public static DeviceRequest Parse(string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        string text = specification.Trim().ToLowerInvariant();
        switch (text)
        {
            case "cpu":
                return new DeviceRequest(specification, DeviceType.CPU, -1, IsAuto: false);
            case "auto":
                return new DeviceRequest(specification, DeviceType.CUDA, -1, IsAuto: true);
            case "cuda":
                return new DeviceRequest(specification, DeviceType.CUDA, -1, IsAuto: false);
        }

        if (text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            string digits = text["cuda:".Length..];
            if (digits.Length > 0 && digits.All(char.IsAsciiDigit)
                && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                return new DeviceRequest(specification, DeviceType.CUDA, index, IsAuto: false);
            }

            throw new ArgumentException($"Invalid device '{specification}': the CUDA index must be a non-negative integer, as in cuda:0.", nameof(specification));
        }

        throw new ArgumentException($"Invalid device '{specification}': expected {Accepted}.", nameof(specification));
    }
}
