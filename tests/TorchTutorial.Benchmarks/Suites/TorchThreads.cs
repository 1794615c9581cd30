using TorchSharp;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>libtorch's intra-op thread count: what it was when the process started, and setting it by name.</summary>
public static class TorchThreads
{
    /// <summary>libtorch's own default, read before anything in this process set it.</summary>
    public static int Default { get; private set; } = -1;

    /// <summary>Records libtorch's default; call once, first thing after loading libtorch.</summary>
    public static void CaptureDefault()
    {
        if (Default < 0)
        {
            Default = torch.get_num_threads();
        }
    }

    /// <summary>Sets the thread count from "1", "2", ... or "default".</summary>
    public static int Set(string threads)
    {
        int n = threads == "default" ? Default : int.Parse(threads, System.Globalization.CultureInfo.InvariantCulture);
        torch.set_num_threads(n);
        return n;
    }
}
