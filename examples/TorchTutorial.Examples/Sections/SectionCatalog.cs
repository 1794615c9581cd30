using TorchTutorial.Training;
using static TorchTutorial.Examples.Sections.TutorialSeries;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// The map of the tutorial: every section in the order of the note and the README, with the script it ports and the
/// script's own steps, learning rate and print interval (<c>print(t, loss.item())</c> when <c>t % every == every - 1</c>).
/// Each section's code is one file in this folder that reads like its script. <c>all</c> runs them in this order.
/// </summary>
public static class SectionCatalog
{
    /// <summary>The name that runs every section.</summary>
    public const string All = "all";

    /// <summary>The sections in order.</summary>
    public static IReadOnlyList<TutorialSection> Sections { get; } =
    [
        // The note's version: a two-layer network on random data.
        //   name                    script                                   app                                  series       steps  lr    print every      --save/--load
        new("tensors",              "two_layer_net_tensor.py",                "two_layer_net_tensor.cs",           TwoLayerNet, Train(500,   1e-6, every: 1),    false, TensorsSection.Run,
            "Tensors: forward and backward passes written by hand"),
        new("autograd",             "two_layer_net_autograd.py",              "two_layer_net_autograd.cs",         TwoLayerNet, Train(500,   1e-6, every: 1),    false, AutogradSection.Run,
            "Autograd: loss.backward() computes the gradients"),
        new("custom-function",      "two_layer_net_custom_function.py",       "two_layer_net_custom_function.cs",  TwoLayerNet, Train(500,   1e-6, every: 1),    false, CustomFunctionSection.Run,
            "Custom autograd Function: MyReLU with a hand-written backward"),
        new("clamp",                "torch.clamp (the note's section 2)",     "clamp.cs",                          TwoLayerNet, null,                            false, ClampSection.Run,
            "torch.clamp: min only, max only, both, and into an existing tensor", Data: "input = randn(2, 4)"),
        new("static-graph",         "tf_two_layer_net.py",                    "tf_two_layer_net.cs",               TwoLayerNet, Train(500,   1e-6, every: 1),    false, StaticGraphSection.Run,
            "Static graph: TorchScript compiled once vs the eager graph rebuilt each step"),
        new("nn",                   "two_layer_net_nn.py",                    "two_layer_net_nn.cs",               TwoLayerNet, Train(500,   1e-4, every: 1),    true,  NnSection.Run,
            "nn: Sequential model, MSELoss, manual parameter update"),
        new("optim",                "two_layer_net_optim.py",                 "two_layer_net_optim.cs",            TwoLayerNet, Train(500,   1e-4, every: 1),    true,  OptimSection.Run,
            "optim: the same model trained by Adam"),
        new("module",               "two_layer_net_module.py",                "two_layer_net_module.cs",           TwoLayerNet, Train(500,   1e-4, every: 1),    true,  ModuleSection.Run,
            "Custom nn Module: TwoLayerNet trained by SGD"),
        new("dynamic",              "dynamic_net.py",                         "dynamic_net.cs",                    TwoLayerNet, Train(500,   1e-4, every: 1),    true,  DynamicSection.Run,
            "Control flow and weight sharing: DynamicNet, SGD with momentum"),

        // Today's version: y = sin(x) by a third-order polynomial (today's polynomial_autograd.py fits exp(x)).
        new("poly-tensor",          "polynomial_tensor.py",                   "polynomial_tensor.cs",              Polynomial,  Train(2000,  1e-6, every: 100),  false, PolyTensorSection.Run,
            "y = sin(x) by a third-order polynomial: tensors, gradients by hand"),
        new("poly-autograd",        "polynomial_autograd.py",                 "polynomial_autograd.cs",            Polynomial,  Train(5000,  1e-5, every: 100),  false, PolyAutogradSection.Run,
            "Today's page: y = exp(x) on [-1, 1] by a third-order polynomial, autograd; prints loss(t)/loss(0) and the weights",
            Data: "x = linspace(-1, 1, 2000)") { PrintsOwnLines = true },
        new("poly-autograd-sin",    "polynomial_autograd.py (2025, sin x)",   "polynomial_autograd_sin.cs",        Polynomial,  Train(2000,  1e-6, every: 100),  false, PolyAutogradSinSection.Run,
            "y = sin(x) by a third-order polynomial: autograd computes the gradients"),
        new("poly-custom-function", "polynomial_custom_function.py",          "polynomial_custom_function.cs",     Polynomial,  Train(2000,  5e-6, every: 100),  false, PolyCustomFunctionSection.Run,
            "Custom autograd Function: y = a + b P3(c + d x), LegendrePolynomial3 with its own backward"),
        new("poly-nn",              "polynomial_nn.py",                       "polynomial_nn.cs",                  Polynomial,  Train(2000,  1e-6, every: 100),  true,  PolyNnSection.Run,
            "nn: y = sin(x) by Linear(3, 1) over (x, x^2, x^3), manual parameter update"),
        new("poly-optim",           "polynomial_optim.py",                    "polynomial_optim.cs",               Polynomial,  Train(2000,  1e-3, every: 100),  true,  PolyOptimSection.Run,
            "optim: the Linear(3, 1) polynomial trained by RMSprop"),
        new("poly-module",          "polynomial_module.py",                   "polynomial_module.cs",              Polynomial,  Train(2000,  1e-6, every: 100),  true,  PolyModuleSection.Run,
            "Custom nn Module: Polynomial3 with four Parameters, trained by SGD"),
        new("poly-dynamic",         "dynamic_net.py (current version)",       "polynomial_dynamic_net.cs",         Polynomial,  Train(30000, 1e-8, every: 2000), false, PolyDynamicSection.Run,
            "Control flow and weight sharing: a polynomial of random degree 3 to 5, SGD with momentum"),
    ];

    /// <summary>Every accepted name: the sections and <c>all</c>.</summary>
    public static IEnumerable<string> Names => Sections.Select(s => s.Name).Append(All);

    /// <summary>The section called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static TutorialSection? Find(string name) =>
        Sections.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The section called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No section has that name.</exception>
    public static TutorialSection Get(string name) =>
        Find(name) ?? throw new ArgumentException($"Unknown section '{name}'. Choose one of: {string.Join(", ", Names)}.", nameof(name));

    private static TrainingOptions Train(int steps, double lr, int every) => new(steps, lr, every);
}
