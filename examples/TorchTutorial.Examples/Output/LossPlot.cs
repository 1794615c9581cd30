using ScottPlot;

namespace TorchTutorial.Examples.Output;

/// <summary>Draws loss curves on a log scale with ScottPlot and saves them as PNG or SVG.</summary>
public static class LossPlot
{
    /// <summary>Saves a plot of each named curve (step against loss, log scale) to <paramref name="path"/>.</summary>
    /// <param name="path">A .png or .svg file; it is written atomically (temporary file, then rename).</param>
    /// <param name="curves">Name and losses (index = step) of each curve; non-positive losses are skipped.</param>
    /// <param name="title">The plot's title.</param>
    public static void Save(string path, IReadOnlyList<(string Name, IReadOnlyList<double> Losses)> curves, string title)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        foreach (var (name, losses) in curves)
        {
            var steps = new List<double>();
            var logLoss = new List<double>();
            for (int t = 0; t < losses.Count; t++)
            {
                if (losses[t] > 0 && double.IsFinite(losses[t]))
                {
                    steps.Add(t);
                    logLoss.Add(Math.Log10(losses[t]));
                }
            }

            var line = plot.Add.ScatterLine(steps.ToArray(), logLoss.ToArray());
            line.LegendText = name;
            line.LineWidth = 2;
        }

        // Log scale: plot log10(loss) and label the ticks with the powers of ten they stand for.
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => $"1e{y:0}",
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.Label.Text = "loss (log scale)";
        plot.Axes.Bottom.Label.Text = "step t";
        plot.Title(title);
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;
        if (curves.Count > 1)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp{extension}");
        try
        {
            if (extension == ".svg")
            {
                plot.SaveSvg(temporary, 900, 560);
            }
            else
            {
                plot.SavePng(temporary, 900, 560);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
