using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// How one TorchSharp optimizer class maps onto PyTorch's <c>optimizer.state_dict()</c> and onto TorchSharp's own
/// <c>save_state_dict</c> bytes. PyTorch's keys are the names of the public fields of TorchSharp's <c>Options</c> and
/// <c>State</c> classes (<c>momentum</c>, <c>eps</c>, <c>step</c>, <c>exp_avg</c>, ...), except <c>betas</c>, which
/// TorchSharp keeps as <c>beta1</c> and <c>beta2</c>; values are read and written through those fields.
/// </summary>
/// <param name="Name">TorchSharp's class name, which its <c>save_state_dict</c> writes first: <c>SGD</c>, <c>Adam</c>, <c>AdamW</c>, <c>RMSProp</c>.</param>
/// <param name="Type">The TorchSharp class.</param>
/// <param name="OptionsType">Its parameter groups' options class.</param>
/// <param name="PyTorchName">PyTorch's class name (<c>torch.optim.RMSprop</c> is spelled differently), for messages.</param>
/// <param name="HyperParameters">The hyperparameters besides <c>lr</c> and <c>initial_lr</c>, in PyTorch's order.</param>
/// <param name="TorchSharpOptionOrder">The options' fields in the order <c>Options.SaveStateDict</c> writes them, after <c>initial_lr</c> and <c>lr</c>.</param>
/// <param name="State">The per-parameter state's fields in the order <c>State.SaveStateDict</c> writes them.</param>
/// <param name="ConditionalState">
/// Those of <paramref name="State"/> that may be null, which <c>State.SaveStateDict</c> writes as a bool, then the
/// tensor when true (TorchSharp 0.107's <c>SaveConditionalStateTensor</c>).
/// </param>
/// <param name="StepAsTensor">PyTorch keeps <c>step</c> as a float32 0-d tensor for this optimizer (Adam, AdamW) rather than an int (RMSprop).</param>
internal sealed record OptimizerLayout(
    string Name,
    Type Type,
    Type OptionsType,
    string PyTorchName,
    string[] HyperParameters,
    string[] TorchSharpOptionOrder,
    string[] State,
    string[] ConditionalState,
    bool StepAsTensor = false)
{
    /// <summary>The per-parameter state key of the step count, a <see cref="long"/> in TorchSharp.</summary>
    public const string StepKey = "step";

    /// <summary>The one hyperparameter that is a pair in PyTorch and two fields in TorchSharp.</summary>
    private const string BetasKey = "betas";

    /// <summary>The optimizers whose state checkpoints carry: the ones the tutorial uses (SGD with momentum, Adam, RMSprop) and AdamW.</summary>
    private static readonly OptimizerLayout[] All =
    [
        new("SGD", typeof(SGD), typeof(SGD.Options), "SGD",
            ["momentum", "dampening", "weight_decay", "nesterov", "maximize"],
            ["momentum", "dampening", "weight_decay", "nesterov", "maximize"],
            ["momentum_buffer"],
            ["momentum_buffer"]),
        new("Adam", typeof(Adam), typeof(Adam.Options), "Adam",
            [BetasKey, "eps", "weight_decay", "amsgrad", "maximize"],
            ["beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"],
            [StepKey, "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
            ["max_exp_avg_sq"],
            StepAsTensor: true),
        new("AdamW", typeof(AdamW), typeof(AdamW.Options), "AdamW",
            [BetasKey, "eps", "weight_decay", "amsgrad", "maximize"],
            ["beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"],
            [StepKey, "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
            ["max_exp_avg_sq"],
            StepAsTensor: true),
        new("RMSProp", typeof(RMSProp), typeof(RMSProp.Options), "RMSprop",
            ["momentum", "alpha", "eps", "centered", "weight_decay", "maximize"],
            ["maximize", "momentum", "alpha", "eps", "weight_decay", "centered"],
            [StepKey, "square_avg", "momentum_buffer", "grad_avg"],
            ["momentum_buffer", "grad_avg"]),
    ];

    /// <summary>
    /// Optimizer classes outside TorchSharp that keep exactly their base class's state, by the name
    /// <c>save_state_dict</c> writes for them (their own class name).
    /// </summary>
    private static readonly Dictionary<string, string> Subclasses = new(StringComparer.Ordinal)
    {
        ["FusedAdam"] = "Adam",   // TorchTutorial.Optimizers.FusedAdam : TorchSharp.Modules.Adam
    };

    /// <summary>The supported optimizers, for messages.</summary>
    public static string SupportedNames => string.Join(", ", All.Select(l => l.Name));

    /// <summary>The layout for this optimizer's exact class, or null when its state cannot be checkpointed.</summary>
    public static OptimizerLayout? Find(optim.Optimizer optimizer) =>
        All.FirstOrDefault(l => l.Type == optimizer.GetType())
        ?? All.FirstOrDefault(l => l.Type.IsInstanceOfType(optimizer));   // a subclass keeps its base's state: TorchTutorial's FusedAdam is an Adam

    /// <summary>The layout for a TorchSharp class name as <c>save_state_dict</c> writes it, or null.</summary>
    public static OptimizerLayout? FindByName(string name) =>
        All.FirstOrDefault(l => l.Name == name) ?? (Subclasses.TryGetValue(name, out var baseName) ? FindByName(baseName) : null);

    /// <summary>True for a hyperparameter that is a bool (<c>nesterov</c>, <c>amsgrad</c>, ...); false for a number or a pair.</summary>
    public bool IsBoolean(string key) => key != BetasKey && OptionsType.GetField(key)!.FieldType == typeof(bool?);

    /// <summary>True for <c>betas</c>, a <c>double[2]</c> in a record.</summary>
    public static bool IsPair(string key) => key == BetasKey;

    /// <summary>
    /// The hyperparameters in PyTorch's order and form (a <see cref="double"/>, a <see cref="bool"/>, or a
    /// <c>double[2]</c> for <c>betas</c>), from the values of TorchSharp's option fields by name.
    /// </summary>
    public IEnumerable<KeyValuePair<string, object?>> ToPyTorch(Func<string, object?> field) =>
        HyperParameters.Select(key => KeyValuePair.Create(key, IsPair(key) ? new[] { (double)field("beta1")!, (double)field("beta2")! } : field(key)));

    /// <summary>Reads a hyperparameter from the options by PyTorch key.</summary>
    /// <exception cref="InvalidOperationException">The option is not set.</exception>
    public static object GetOption(OptimizerOptions options, string name) =>
        Field(options, name).GetValue(options) ?? throw new InvalidOperationException($"The optimizer's '{name}' is not set.");

    /// <summary>Writes a validated hyperparameter (a <see cref="double"/>, <see cref="bool"/> or <c>double[2]</c>) into the options by PyTorch key.</summary>
    public static void SetOption(OptimizerOptions options, string key, object value)
    {
        if (IsPair(key))
        {
            Field(options, "beta1").SetValue(options, ((double[])value)[0]);
            Field(options, "beta2").SetValue(options, ((double[])value)[1]);
        }
        else
        {
            Field(options, key).SetValue(options, value);
        }
    }

    /// <summary>The public field of TorchSharp's options or state object that holds <paramref name="name"/>.</summary>
    public static FieldInfo Field(object target, string name) =>
        target.GetType().GetField(name, BindingFlags.Public | BindingFlags.Instance)
        ?? throw new InvalidOperationException($"{target.GetType().FullName} has no field '{name}'.");
}
