namespace TorchTutorial.Tutorial.Tests;

/// <summary>One file-based app in tutorial/ and the workbench section that must print the same.</summary>
/// <param name="File">The app's file name in tutorial/, e.g. <c>two_layer_net_autograd.cs</c>.</param>
/// <param name="Section">The examples program's section, run with <c>--format tutorial</c>.</param>
public sealed record TutorialApp(string File, string Section)
{
    /// <summary>Every app in tutorial/, in the tutorial's order. A new app is added here (a test checks the folder).</summary>
    public static IReadOnlyList<TutorialApp> All { get; } =
    [
        new("two_layer_net_tensor.cs", "tensors"),
        new("two_layer_net_autograd.cs", "autograd"),
        new("two_layer_net_custom_function.cs", "custom-function"),
        new("clamp.cs", "clamp"),
        new("tf_two_layer_net.cs", "static-graph"),
        new("two_layer_net_nn.cs", "nn"),
        new("two_layer_net_optim.cs", "optim"),
        new("two_layer_net_module.cs", "module"),
        new("polynomial_tensor.cs", "poly-tensor"),
        new("polynomial_autograd.cs", "poly-autograd"),
        new("polynomial_custom_function.cs", "poly-custom-function"),
        new("polynomial_nn.cs", "poly-nn"),
        new("polynomial_optim.cs", "poly-optim"),
        new("polynomial_module.cs", "poly-module"),
        new("dynamic_net.cs", "dynamic"),
        new("polynomial_dynamic_net.cs", "poly-dynamic"),
    ];

    /// <summary>The app's path from the repository root, as the README's command names it.</summary>
    public string RelativePath => $"tutorial/{File}";

    /// <inheritdoc />
    public override string ToString() => File;
}
