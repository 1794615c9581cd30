using System.Runtime.InteropServices;

namespace TorchTutorial.Runtime;

/// <summary>
/// glibc's <c>dlopen</c> with <c>RTLD_NOW</c>. .NET's <see cref="NativeLibrary"/> opens with <c>RTLD_LAZY</c>, so a
/// function libtorch does not export is only noticed when it is first called, and then the loader kills the process
/// ("symbol lookup error", exit 127). Opening with <c>RTLD_NOW</c> first resolves every symbol up front and turns a
/// mismatch into an error message; the later lazy open by TorchSharp gets the same, fully bound, handle.
/// </summary>
internal static class DynamicLinker
{
    private const int RTLD_NOW = 0x2;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr DlError();

    /// <summary>Opens <paramref name="path"/> binding every symbol now; on failure returns the loader's text.</summary>
    /// <returns>Null when the library loaded; else dlerror's message.</returns>
    public static string? TryLoadNow(string path)
    {
        // glibc 2.34 and later have dlopen in libc.so.6; older ones in libdl.so.2 (which newer ones keep as a stub).
        if (!NativeLibrary.TryLoad("libdl.so.2", out var libdl) && !NativeLibrary.TryLoad("libc.so.6", out libdl))
        {
            return null;   // not glibc: leave it to the normal load
        }

        if (!NativeLibrary.TryGetExport(libdl, "dlopen", out var open) || !NativeLibrary.TryGetExport(libdl, "dlerror", out var error))
        {
            return null;
        }

        var dlopen = Marshal.GetDelegateForFunctionPointer<DlOpen>(open);
        var dlerror = Marshal.GetDelegateForFunctionPointer<DlError>(error);
        dlerror();   // clear a stale error
        if (dlopen(path, RTLD_NOW) != IntPtr.Zero)
        {
            return null;   // the handle stays open for the process's lifetime, as TorchSharp's own would
        }

        return Marshal.PtrToStringUTF8(dlerror()) ?? $"{path}: dlopen failed";
    }
}
