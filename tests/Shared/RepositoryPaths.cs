namespace TorchTutorial.TestSupport;

/// <summary>Finds files of this repository and of the test's build output.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding TorchTutorial.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The folder of the file-based apps.</summary>
    public static string Tutorial => Path.Combine(Root, "tutorial");

    /// <summary>The examples program next to the tests (copied there by a project reference, where there is one).</summary>
    public static string ExamplesDll { get; } = Path.Combine(AppContext.BaseDirectory, "TorchTutorial.Examples.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TorchTutorial.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"TorchTutorial.sln not found above {AppContext.BaseDirectory}.");
    }
}
