namespace TorchTutorial.Training;

/// <summary>One reported step: the tutorial's <c>print(t, loss.item())</c>.</summary>
/// <param name="Step">The 0-based step, <c>t</c>.</param>
/// <param name="Loss">The loss computed in that step.</param>
/// <param name="TotalSteps">How many steps the run has.</param>
/// <param name="Elapsed">Training time so far.</param>
public readonly record struct TrainingProgress(int Step, double Loss, int TotalSteps, TimeSpan Elapsed);
