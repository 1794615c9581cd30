using System.Globalization;
using System.Text.RegularExpressions;
using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Examples.Tests.Sections;

/// <summary>
/// The catalog's defaults are the scripts' own. The parity tests pass every recorded option explicitly, so they cannot
/// see a default that drifted from the script; this test reads the scripts (tests/Parity/scripts) themselves.
/// </summary>
public sealed class SectionCatalogTests
{
    /// <summary>Each training section with its script in tests/Parity/scripts.</summary>
    public static IEnumerable<TestCaseData> SectionsWithTheirScripts() =>
        SectionCatalog.Sections
            .Where(s => s.Trains)
            .Select(s => (Section: s, File: ScriptFile(s)))
            .Where(p => File.Exists(p.File))
            .Select(p => new TestCaseData(p.Section, p.File).SetArgDisplayNames(p.Section.Name));

    [TestCaseSource(nameof(SectionsWithTheirScripts))]
    public void Defaults_AreTheScriptsOwn(TutorialSection section, string script)
    {
        string text = File.ReadAllText(script);
        var training = section.Training!;

        Assert.Multiple(() =>
        {
            Assert.That(training.Steps, Is.EqualTo((int)Default(text, "--steps")), "steps");
            Assert.That(training.LearningRate, Is.EqualTo(Default(text, "--lr")), "learning rate");
            // The two-layer scripts print every step; the polynomial ones `if t % N == N - 1` with their --log-every.
            Assert.That(training.LogEvery, Is.EqualTo(text.Contains("\"--log-every\"", StringComparison.Ordinal) ? (int)Default(text, "--log-every") : 1), "print interval");
        });
    }

    [Test]
    public void EveryTrainingSectionButStaticGraph_HasItsScriptChecked()
    {
        // tf_two_layer_net.py is TensorFlow: it has no script in tests/Parity/scripts (see the next test).
        var unchecked_ = SectionCatalog.Sections.Where(s => s.Trains && !File.Exists(ScriptFile(s))).Select(s => s.Name);

        Assert.That(unchecked_, Is.EquivalentTo(new[] { "static-graph" }));
    }

    [Test]
    public void StaticGraph_TrainsWithTheAutogradScriptsDefaults()
    {
        // tf_two_layer_net.py builds the autograd script's graph with its learning rate, 1e-6, and 500 steps.
        Assert.That(SectionCatalog.Get("static-graph").Training, Is.EqualTo(SectionCatalog.Get("autograd").Training));
    }

    private static string ScriptFile(TutorialSection section)
    {
        string name = section.Name switch
        {
            "poly-dynamic" => "polynomial_dynamic_net.py",         // today's dynamic_net.py, beside the two-layer one
            "poly-autograd-sin" => "polynomial_autograd_sin.py",   // polynomial_autograd.py (2025, sin x)
            _ => section.Script,
        };
        return Path.Combine(RepositoryPaths.Root, "tests", "Parity", "scripts", name);
    }

    private static double Default(string script, string option)
    {
        var match = Regex.Match(script, $"add_argument\\(\"{Regex.Escape(option)}\", type=(?:int|float), default=([0-9.e+-]+)\\)");
        Assert.That(match.Success, Is.True, $"the script declares {option} with a default");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
