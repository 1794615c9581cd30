namespace TorchTutorial.Devices;

/// <summary>
/// Thrown when a well-formed device (such as <c>cuda:1</c>) cannot be used in this process;
/// the message says why: a CPU-only build, no CUDA device, or an index out of range.
/// </summary>
public sealed class DeviceUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="device">The device that was asked for.</param>
    /// <param name="message">Why it is unavailable and what to do.</param>
    public DeviceUnavailableException(string device, string message)
        : base(message)
    {
        Device = device;
    }

    /// <summary>The device that was asked for, as written.</summary>
    public string Device { get; }
}
