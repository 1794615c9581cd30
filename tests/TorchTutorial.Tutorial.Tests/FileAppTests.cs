namespace TorchTutorial.Tutorial.Tests;

/// <summary>
/// Every file-based app in tutorial/ runs with <c>dotnet run tutorial/X.cs</c> and prints, byte for byte, what its
/// workbench section prints with <c>--format tutorial</c> (the examples program of this solution, run as a process).
/// </summary>
[Category("FileApps")]
[Parallelizable(ParallelScope.Children)]
public sealed class FileAppTests
{
    private static IEnumerable<TutorialApp> Apps => TutorialApp.All;

    [TestCaseSource(nameof(Apps))]
    public async Task App_PrintsExactlyWhatItsWorkbenchSectionPrints(TutorialApp app)
    {
        var run = await FileAppRuns.Of(app);
        TestContext.Out.WriteLine($"dotnet run {app.RelativePath}: {run.Elapsed.TotalSeconds:F1} s (build, if needed, and run)");
        Assert.That(run.ExitCode, Is.Zero, $"dotnet run {app.RelativePath} failed:\n{run.Stdout}\n{run.Stderr}");

        string workbench = await WorkbenchRuns.OutputOf(app);

        Assert.That(run.Stdout, Is.EqualTo(workbench), $"{app.RelativePath} vs the '{app.Section}' section");
    }

    [TestCaseSource(nameof(Apps))]
    public async Task App_HeaderStatesItsFirstOutputLine(TutorialApp app)
    {
        // The expected output is the workbench's (the app must print the same, see above); its first line with a
        // number: "0 29428664.0", "99 3238.300537109375", or the clamp input's first row.
        // Its numbers must appear in the header in that order, each within float32's round-off across CPUs (a
        // relative 1e-6: summation order differs with the vector width, and so does step 0's loss in its last digits).
        string first = (await WorkbenchRuns.OutputOf(app)).Split('\n').First(line => line.Any(char.IsDigit)).TrimEnd('\r');
        double[] printed = Numbers(first), stated = Numbers(Header(app));
        bool found = Enumerable.Range(0, Math.Max(0, stated.Length - printed.Length + 1))
            .Any(start => printed.Select((value, k) => Close(stated[start + k], value)).All(match => match));
        Assert.That(found, Is.True, $"the comment at the top of {app.RelativePath} should state its expected output, \"{first}\"; it says:\n{Header(app)}");
    }

    private static double[] Numbers(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?(e[-+]?\d+)?")
            .Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static bool Close(double stated, double printed) => Math.Abs(stated - printed) <= 1e-6 * Math.Abs(printed);

    [TestCaseSource(nameof(Apps))]
    public void App_KeepsTheTutorialConventions(TutorialApp app)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Tutorial, app.File));
        int device = Array.IndexOf(lines, "var device = torch.device(\"cpu\");");
        int accelerator = Array.IndexOf(lines, AcceleratorLine);

        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.Contain("#:project ../src/TorchTutorial"), "TorchSharp and the plumbing (PythonRandom, the float format) come from the library");
            Assert.That(lines.Where(l => l.StartsWith("#:project", StringComparison.Ordinal) || l.StartsWith("#:package", StringComparison.Ordinal)),
                Has.Exactly(1).Items, "the library is the only reference (TorchSharp comes with it)");
            Assert.That(lines, Does.Contain("#:property PublishAot=false"), "file-based apps default to Native AOT, which TorchSharp does not support");
            Assert.That(lines, Does.Contain("torch.manual_seed(0);"));
            if (accelerator >= 0)
            {
                // Today's polynomial_autograd.py picks its device (torch.accelerator), prints it and makes it the default.
                Assert.That(lines.Skip(accelerator + 1).Take(2),
                    Is.EqualTo(new[] { "Console.WriteLine($\"Using {device} device\");", "torch.set_default_device(torch.device(device));" }));
            }
            else
            {
                Assert.That(device, Is.Not.EqualTo(-1), "the device line the README tells readers to edit");
                Assert.That(device >= 0 && device + 1 < lines.Length ? lines[device + 1] : null,
                    Is.EqualTo("// device = torch.device(\"cuda:0\"); // Uncomment this to run on GPU"));
            }
        });
    }

    /// <summary>TorchSharp's closest to <c>torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"</c>.</summary>
    private const string AcceleratorLine = "var device = torch.cuda.is_available() ? \"cuda\" : torch.mps_is_available() ? \"mps\" : \"cpu\";";

    [TestCase("two_layer_net_custom_function.cs", "MyReLU")]
    [TestCase("two_layer_net_module.cs", "TwoLayerNet")]
    [TestCase("dynamic_net.cs", "DynamicNet")]
    [TestCase("polynomial_custom_function.cs", "LegendrePolynomial3")]
    [TestCase("polynomial_module.cs", "Polynomial3")]
    [TestCase("polynomial_dynamic_net.cs", "DynamicPolynomial")]
    public void App_DeclaresTheClassItsScriptDeclares(string file, string className)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Tutorial, file));

        Assert.Multiple(() =>
        {
            Assert.That(lines.Count(l => l.StartsWith($"class {className} ", StringComparison.Ordinal)), Is.EqualTo(1), $"{file} should declare class {className} itself");
            Assert.That(lines.Where(l => l.StartsWith("using TorchTutorial.Functions", StringComparison.Ordinal) || l.StartsWith("using TorchTutorial.Modules", StringComparison.Ordinal)),
                Is.Empty, $"{file} should not take the tutorial's classes from the library");
        });
    }

    [Test]
    public void Catalog_ListsEveryAppInTheTutorialFolder()
    {
        var files = Directory.GetFiles(RepositoryPaths.Tutorial, "*.cs").Select(Path.GetFileName);

        Assert.That(files, Is.EquivalentTo(TutorialApp.All.Select(app => app.File)), "every tutorial/*.cs belongs in TutorialApp.All, and every entry there in tutorial/");
    }

    /// <summary>The comment lines above the first <c>#:</c> directive.</summary>
    private static string Header(TutorialApp app) =>
        string.Join('\n', File.ReadLines(Path.Combine(RepositoryPaths.Tutorial, app.File)).TakeWhile(line => line.StartsWith("//", StringComparison.Ordinal)));
}
