using System.Collections;
using Microsoft.Build.Framework;

namespace TorchTutorial.Compatibility.Tests;

/// <summary>A minimal <see cref="IBuildEngine"/> that records what a task logs.</summary>
internal sealed class FakeBuildEngine : IBuildEngine
{
    /// <summary>Messages with their importance, in order.</summary>
    public List<BuildMessageEventArgs> Messages { get; } = [];

    /// <summary>Logged errors, in order.</summary>
    public List<BuildErrorEventArgs> Errors { get; } = [];

    /// <summary>Logged warnings, in order.</summary>
    public List<BuildWarningEventArgs> Warnings { get; } = [];

    /// <summary>The texts of high-importance messages.</summary>
    public IEnumerable<string?> HighImportanceMessages =>
        Messages.Where(m => m.Importance == MessageImportance.High).Select(m => m.Message);

    /// <inheritdoc/>
    public bool ContinueOnError => false;

    /// <inheritdoc/>
    public int LineNumberOfTaskNode => 0;

    /// <inheritdoc/>
    public int ColumnNumberOfTaskNode => 0;

    /// <inheritdoc/>
    public string ProjectFileOfTaskNode => "FakeProject.csproj";

    /// <inheritdoc/>
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("The compatibility task never builds projects.");

    /// <inheritdoc/>
    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    /// <inheritdoc/>
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

    /// <inheritdoc/>
    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    /// <inheritdoc/>
    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
}
