using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// The optimizers whose state checkpoints carry: the ones the tutorial uses (SGD with momentum, Adam, RMSprop) and AdamW.
/// </summary>
internal static class OptimizerLayouts
{
    private static readonly OptimizerLayout[] All =
    [
        new()
        {
            Name = "SGD",
            Type = typeof(SGD),
            PyTorchName = "SGD",
            HyperParameters =
            [
                Number("momentum", o => ((SGD.Options)o).momentum, (o, v) => ((SGD.Options)o).momentum = v),
                Number("dampening", o => ((SGD.Options)o).dampening, (o, v) => ((SGD.Options)o).dampening = v),
                Number("weight_decay", o => ((SGD.Options)o).weight_decay, (o, v) => ((SGD.Options)o).weight_decay = v),
                Boolean("nesterov", o => ((SGD.Options)o).nesterov, (o, v) => ((SGD.Options)o).nesterov = v),
                Boolean("maximize", o => ((SGD.Options)o).maximize, (o, v) => ((SGD.Options)o).maximize = v),
            ],
            TorchSharpOptionOrder = ["momentum", "dampening", "weight_decay", "nesterov", "maximize"],
            KeepsState = o => ((SGD.Options)o).momentum is not (null or 0.0),
            State =
            [
                new("momentum_buffer", StateKind.Tensor, TorchSharpEncoding.ConditionalTensor, _ => false,
                    s => ((SGD.State)s).momentum_buffer, (s, v) => ((SGD.State)s).momentum_buffer = (Tensor?)v!),
            ],
        },
        new()
        {
            Name = "Adam",
            Type = typeof(Adam),
            PyTorchName = "Adam",
            StepAsTensor = true,
            HyperParameters =
            [
                Pair("betas", o => (((Adam.Options)o).beta1, ((Adam.Options)o).beta2), (o, v) => (((Adam.Options)o).beta1, ((Adam.Options)o).beta2) = v),
                Number("eps", o => ((Adam.Options)o).eps, (o, v) => ((Adam.Options)o).eps = v),
                Number("weight_decay", o => ((Adam.Options)o).weight_decay, (o, v) => ((Adam.Options)o).weight_decay = v),
                Boolean("amsgrad", o => ((Adam.Options)o).amsgrad, (o, v) => ((Adam.Options)o).amsgrad = v),
                Boolean("maximize", o => ((Adam.Options)o).maximize, (o, v) => ((Adam.Options)o).maximize = v),
            ],
            TorchSharpOptionOrder = ["betas.0", "betas.1", "eps", "weight_decay", "amsgrad", "maximize"],
            State =
            [
                new("step", StateKind.Step, TorchSharpEncoding.Int64, _ => true, s => ((Adam.State)s).step, (s, v) => ((Adam.State)s).step = (long)v!),
                new("exp_avg", StateKind.Tensor, TorchSharpEncoding.Tensor, _ => true,
                    s => ((Adam.State)s).exp_avg, (s, v) => ((Adam.State)s).exp_avg = (Tensor?)v!),
                new("exp_avg_sq", StateKind.Tensor, TorchSharpEncoding.Tensor, _ => true,
                    s => ((Adam.State)s).exp_avg_sq, (s, v) => ((Adam.State)s).exp_avg_sq = (Tensor?)v!),
                new("max_exp_avg_sq", StateKind.Tensor, TorchSharpEncoding.ConditionalTensor, o => ((Adam.Options)o).amsgrad == true,
                    s => ((Adam.State)s).max_exp_avg_sq, (s, v) => ((Adam.State)s).max_exp_avg_sq = (Tensor?)v!),
            ],
        },
        new()
        {
            Name = "AdamW",
            Type = typeof(AdamW),
            PyTorchName = "AdamW",
            StepAsTensor = true,
            HyperParameters =
            [
                Pair("betas", o => (((AdamW.Options)o).beta1, ((AdamW.Options)o).beta2), (o, v) => (((AdamW.Options)o).beta1, ((AdamW.Options)o).beta2) = v),
                Number("eps", o => ((AdamW.Options)o).eps, (o, v) => ((AdamW.Options)o).eps = v),
                Number("weight_decay", o => ((AdamW.Options)o).weight_decay, (o, v) => ((AdamW.Options)o).weight_decay = v),
                Boolean("amsgrad", o => ((AdamW.Options)o).amsgrad, (o, v) => ((AdamW.Options)o).amsgrad = v),
                Boolean("maximize", o => ((AdamW.Options)o).maximize, (o, v) => ((AdamW.Options)o).maximize = v),
            ],
            TorchSharpOptionOrder = ["betas.0", "betas.1", "eps", "weight_decay", "amsgrad", "maximize"],
            State =
            [
                new("step", StateKind.Step, TorchSharpEncoding.Int64, _ => true, s => ((AdamW.State)s).step, (s, v) => ((AdamW.State)s).step = (long)v!),
                new("exp_avg", StateKind.Tensor, TorchSharpEncoding.Tensor, _ => true,
                    s => ((AdamW.State)s).exp_avg, (s, v) => ((AdamW.State)s).exp_avg = (Tensor?)v!),
                new("exp_avg_sq", StateKind.Tensor, TorchSharpEncoding.Tensor, _ => true,
                    s => ((AdamW.State)s).exp_avg_sq, (s, v) => ((AdamW.State)s).exp_avg_sq = (Tensor?)v!),
                new("max_exp_avg_sq", StateKind.Tensor, TorchSharpEncoding.ConditionalTensor, o => ((AdamW.Options)o).amsgrad == true,
                    s => ((AdamW.State)s).max_exp_avg_sq, (s, v) => ((AdamW.State)s).max_exp_avg_sq = (Tensor?)v!),
            ],
        },
        new()
        {
            Name = "RMSProp",
            Type = typeof(RMSProp),
            PyTorchName = "RMSprop",
            HyperParameters =
            [
                Number("momentum", o => ((RMSProp.Options)o).momentum, (o, v) => ((RMSProp.Options)o).momentum = v),
                Number("alpha", o => ((RMSProp.Options)o).alpha, (o, v) => ((RMSProp.Options)o).alpha = v),
                Number("eps", o => ((RMSProp.Options)o).eps, (o, v) => ((RMSProp.Options)o).eps = v),
                Boolean("centered", o => ((RMSProp.Options)o).centered, (o, v) => ((RMSProp.Options)o).centered = v),
                Number("weight_decay", o => ((RMSProp.Options)o).weight_decay, (o, v) => ((RMSProp.Options)o).weight_decay = v),
                Boolean("maximize", o => ((RMSProp.Options)o).maximize, (o, v) => ((RMSProp.Options)o).maximize = v),
            ],
            TorchSharpOptionOrder = ["maximize", "momentum", "alpha", "eps", "weight_decay", "centered"],
            State =
            [
                new("step", StateKind.Step, TorchSharpEncoding.Int64, _ => true, s => ((RMSProp.State)s).step, (s, v) => ((RMSProp.State)s).step = (long)v!),
                new("square_avg", StateKind.Tensor, TorchSharpEncoding.Tensor, _ => true,
                    s => ((RMSProp.State)s).square_avg, (s, v) => ((RMSProp.State)s).square_avg = (Tensor?)v!),
                new("momentum_buffer", StateKind.Tensor, TorchSharpEncoding.ConditionalTensor, _ => true,
                    s => ((RMSProp.State)s).momentum_buffer, (s, v) => ((RMSProp.State)s).momentum_buffer = (Tensor?)v!),
                new("grad_avg", StateKind.Tensor, TorchSharpEncoding.ConditionalTensor, _ => true,
                    s => ((RMSProp.State)s).grad_avg, (s, v) => ((RMSProp.State)s).grad_avg = (Tensor?)v!),
            ],
        },
    ];

    /// <summary>The supported optimizers, for messages.</summary>
    public static string SupportedNames => string.Join(", ", All.Select(l => l.Name));

    /// <summary>The layout for this optimizer's exact class, or null when its state cannot be checkpointed.</summary>
    public static OptimizerLayout? Find(optim.Optimizer optimizer) =>
        All.FirstOrDefault(l => l.Type == optimizer.GetType())
        ?? All.FirstOrDefault(l => l.Type.IsInstanceOfType(optimizer));   // a subclass keeps its base's state: TorchTutorial's FusedAdam is an Adam

    /// <summary>The layout for a TorchSharp class name as <c>save_state_dict</c> writes it, or null.</summary>
    public static OptimizerLayout? FindByName(string name) =>
        All.FirstOrDefault(l => l.Name == name) ?? (Subclasses.TryGetValue(name, out var baseName) ? FindByName(baseName) : null);

    /// <summary>
    /// Optimizer classes outside TorchSharp that keep exactly their base class's state, by the name
    /// <c>save_state_dict</c> writes for them (their own class name).
    /// </summary>
    private static readonly Dictionary<string, string> Subclasses = new(StringComparer.Ordinal)
    {
        ["FusedAdam"] = "Adam",   // TorchTutorial.Optimizers.FusedAdam : TorchSharp.Modules.Adam
    };

    private static HyperParameterSpec Number(string key, Func<OptimizerOptions, double?> get, Action<OptimizerOptions, double> set) =>
        new(key, HyperParameterKind.Number, o => get(o) ?? throw Unset(key), (o, v) => set(o, (double)v));

    private static HyperParameterSpec Boolean(string key, Func<OptimizerOptions, bool?> get, Action<OptimizerOptions, bool> set) =>
        new(key, HyperParameterKind.Boolean, o => get(o) ?? throw Unset(key), (o, v) => set(o, (bool)v));

    private static HyperParameterSpec Pair(string key, Func<OptimizerOptions, (double?, double?)> get, Action<OptimizerOptions, (double, double)> set) =>
        new(
            key,
            HyperParameterKind.Pair,
            o => get(o) is (double a, double b) ? new[] { a, b } : throw Unset(key),
            (o, v) => set(o, (((double[])v)[0], ((double[])v)[1])));

    private static InvalidOperationException Unset(string key) => new($"The optimizer's '{key}' is not set.");
}
