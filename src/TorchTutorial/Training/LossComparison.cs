namespace TorchTutorial.Training;

/// <summary>
/// Compares a loss trajectory with a reference (PyTorch's) step by step: the worst relative deviation
/// |actual − reference| / |reference| over the steps where the reference loss is still above
/// <see cref="DefaultFloor"/> times its first value (below that, float32 round-off dominates).
/// </summary>
public static class LossComparison
{
    /// <summary>Steps whose reference loss has fallen below this fraction of the first loss are not compared.</summary>
    public const double DefaultFloor = 1e-7;

    /// <summary>Compares the losses at the steps both trajectories have.</summary>
    /// <param name="reference">The reference losses by step.</param>
    /// <param name="actual">The losses to check, by step.</param>
    /// <param name="floor">Relative floor under which steps are skipped; <see cref="DefaultFloor"/> by default.</param>
    /// <exception cref="ArgumentException">The two have different steps, or no step is comparable.</exception>
    public static LossDeviation Compare(IReadOnlyDictionary<int, double> reference, IReadOnlyDictionary<int, double> actual, double floor = DefaultFloor)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(actual);
        var missing = reference.Keys.Except(actual.Keys).Order().ToList();
        var extra = actual.Keys.Except(reference.Keys).Order().ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new ArgumentException(
                "The reference and the run log different steps: " +
                (missing.Count > 0 ? $"the run has no step {Describe(missing)}" : string.Empty) +
                (missing.Count > 0 && extra.Count > 0 ? "; " : string.Empty) +
                (extra.Count > 0 ? $"the reference has no step {Describe(extra)}" : string.Empty) + ".");
        }

        if (reference.Count == 0)
        {
            throw new ArgumentException("The reference has no steps to compare.");
        }

        double first = reference[reference.Keys.Min()];
        double threshold = Math.Abs(first) * floor;
        double worst = 0;
        int worstStep = -1;
        int compared = 0;
        foreach (int step in reference.Keys.Order())
        {
            double expected = reference[step];
            if (Math.Abs(expected) <= threshold)
            {
                continue;
            }

            compared++;
            double deviation = Math.Abs(actual[step] - expected) / Math.Abs(expected);
            if (double.IsNaN(deviation) || deviation > worst)
            {
                worst = double.IsNaN(deviation) ? double.PositiveInfinity : deviation;
                worstStep = step;
            }
        }

        if (compared == 0)
        {
            // Otherwise a reference of zeros would "match" any run: a worst deviation of 0 over 0 steps.
            throw new ArgumentException(
                FormattableString.Invariant($"The reference has no step above the floor ({floor:G3} of its first loss, {first:G6}), so no step can be compared."));
        }

        return new LossDeviation(worst, worstStep, compared, reference.Count);
    }

    /// <summary>Compares two step-indexed loss lists (index = step).</summary>
    /// <exception cref="ArgumentException">The two have different lengths, or no step is comparable.</exception>
    public static LossDeviation Compare(IReadOnlyList<double> reference, IReadOnlyList<double> actual, double floor = DefaultFloor)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(actual);
        return Compare(ToSteps(reference), ToSteps(actual), floor);
    }

    private static Dictionary<int, double> ToSteps(IReadOnlyList<double> losses) =>
        Enumerable.Range(0, losses.Count).ToDictionary(t => t, t => losses[t]);

    private static string Describe(List<int> steps) =>
        steps.Count <= 3 ? string.Join(", ", steps) : $"{steps[0]}, {steps[1]}, ... ({steps.Count} steps)";
}

/// <summary>The outcome of <see cref="LossComparison.Compare(IReadOnlyDictionary{int, double}, IReadOnlyDictionary{int, double}, double)"/>.</summary>
/// <param name="Worst">The largest relative deviation found (0 when identical).</param>
/// <param name="WorstStep">The step where it occurred, or -1 when every compared step matched exactly.</param>
/// <param name="StepsCompared">Steps above the floor, which were compared.</param>
/// <param name="StepsInReference">All steps in the reference.</param>
public readonly record struct LossDeviation(double Worst, int WorstStep, int StepsCompared, int StepsInReference);
