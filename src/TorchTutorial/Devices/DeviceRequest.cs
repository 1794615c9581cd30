using TorchSharp;

namespace TorchTutorial.Devices;

/// <summary>
/// A device name as the user wrote it, parsed once by <see cref="DeviceSelection.Parse"/> without touching libtorch:
/// <c>cpu</c>, <c>cuda</c> (device 0), <c>cuda:N</c>, or <c>auto</c> (CUDA when available, else the CPU).
/// <see cref="DeviceSelection.Select(DeviceRequest, CudaStatus)"/> turns it into a <see cref="torch.Device"/>.
/// </summary>
/// <param name="Text">The name as written, for messages.</param>
/// <param name="Type">CPU or CUDA; <c>auto</c> asks for CUDA.</param>
/// <param name="Index">The CUDA index given with <c>cuda:N</c>, or -1 when none was given.</param>
/// <param name="IsAuto">True for <c>auto</c>: fall back to the CPU instead of failing when CUDA is unavailable.</param>
public readonly record struct DeviceRequest(string Text, DeviceType Type, int Index, bool IsAuto);
