using System.Text.RegularExpressions;
using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Tutorial.Tests;

/// <summary>
/// The workbench's <see cref="SectionCatalog"/> is the one list of sections; the other places that name sections are
/// checked against it: the README's table of apps and the PyTorch reference generator's lists (tests/Parity).
/// </summary>
public sealed partial class SectionListTests
{
    [Test]
    public void ReadmeTable_NamesExactlyTheCatalogsAppsAndSections_InItsOrder()
    {
        var rows = File.ReadLines(Path.Combine(RepositoryPaths.Root, "README.md"))
            .Select(line => ReadmeRow().Match(line))
            .Where(match => match.Success)
            .Select(match => $"{match.Groups["app"].Value} {match.Groups["section"].Value}");

        Assert.That(rows, Is.EqualTo(SectionCatalog.Sections.Select(s => $"{s.App} {s.Name}")),
            "README.md's 'Read the tutorial' table: one row per catalog section, | script | [X.cs](tutorial/X.cs) | `section` |");
    }

    [Test]
    public void ParityGenerator_RecordsOnlyCatalogSections_WithTheirScriptsLearningRate()
    {
        string generator = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Parity", "generate_references.py"));
        var entries = GeneratorEntry().Matches(generator).Select(m => (Section: m.Groups["section"].Value, Lr: double.Parse(m.Groups["lr"].Value, System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        Assert.That(entries, Is.Not.Empty, "generate_references.py's SECTIONS / POLY_SECTIONS entries were not found");
        Assert.Multiple(() =>
        {
            foreach (var (section, lr) in entries)
            {
                var entry = SectionCatalog.Find(section);
                Assert.That(entry, Is.Not.Null, $"generate_references.py names '{section}', which the catalog does not have");
                Assert.That(entry?.Training?.LearningRate, Is.EqualTo(lr), $"generate_references.py's learning rate for '{section}'");
            }

            var missing = SectionCatalog.Sections.Where(s => s.Trains && s.Name != "static-graph" /* tf_two_layer_net.py is TensorFlow: no PyTorch run to record */).Select(s => s.Name).Except(entries.Select(e => e.Section));
            Assert.That(missing, Is.Empty, "training sections the reference generator does not record");
        });
    }

    [GeneratedRegex(@"^\| .+ \| \[(?<app>[\w.]+\.cs)\]\(tutorial/\k<app>\) \| `(?<section>[\w-]+)` \|$")]
    private static partial Regex ReadmeRow();

    // ("tensors", "two_layer_net_tensor.py", 1e-6) and ("poly-tensor", "polynomial_tensor.py", 1e-6, 2000, 100, 1)
    [GeneratedRegex(@"^\s+\(""(?<section>[\w-]+)"", ""[\w.]+\.py"", (?<lr>[\d.e-]+)[,)]", RegexOptions.Multiline)]
    private static partial Regex GeneratorEntry();
}
