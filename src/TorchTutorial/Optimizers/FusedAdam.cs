using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Optimizers;

/// <summary>
/// Adam through libtorch's own one-pass kernel, <c>torch._fused_adam_</c>: what PyTorch's
/// <c>torch.optim.Adam(params, fused=True)</c> runs, on every device. TorchSharp's <see cref="TorchSharp.Modules.Adam"/>
/// issues eight kernels per parameter per step, each a full pass over the weights; the fused kernel reads and writes
/// each element once, for a whole parameter group in one call. TorchSharp does not bind the kernel, so a compiled
/// TorchScript function calls it.
/// </summary>
/// <remarks>
/// It is a <see cref="TorchSharp.Modules.Adam"/>: same constructor arguments, same param groups and options
/// (<see cref="TorchSharp.Modules.Adam.Options"/>), and the same per-parameter state objects
/// (<see cref="TorchSharp.Modules.Adam.State"/>: <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>),
/// so <c>state_dict()</c>, <c>load_state_dict</c>, checkpoints and code that reads or replaces that state treat it as
/// Adam. The state's <c>step</c> stays the source of truth: the float step tensors the kernel needs are this
/// optimizer's own and follow it whenever someone else changed it (a loaded checkpoint). Learning-rate schedulers work
/// as with Adam: every step reads each group's current options.
/// <para>
/// The arithmetic is PyTorch's (L2 weight decay added to the gradient, bias corrections from the step, ε added after the
/// corrected square root), evaluated in the kernel's order (the mean by lerp), so results agree with
/// <see cref="TorchSharp.Modules.Adam"/>'s to round-off, not bit for bit, exactly as PyTorch's fused and foreach Adams
/// agree. It updates float32, float64, float16 and bfloat16 parameters (the kernel's element types). Parameters without
/// a gradient are skipped, as by Adam.
/// </para>
/// <para>Dispose it (as any TorchSharp optimizer) to release its state tensors.</para>
/// </remarks>
public sealed class FusedAdam : TorchSharp.Modules.Adam
{
    // TorchScript: what torch.optim.Adam(fused=True) runs for a group (torch/optim/adam.py, _fused_adam): the steps first.
    private const string ScriptText = """
        def fused_adam_step(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], max_exp_avg_sqs: List[Tensor], steps: List[Tensor], lr: float, beta1: float, beta2: float, weight_decay: float, eps: float, amsgrad: bool, maximize: bool):
            torch._foreach_add_(steps, 1.0)
            torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=amsgrad, maximize=maximize)

        """;   // the blank line: TorchScript's parser fails on a last statement that has no newline

    // One compiled function for the process: compiling is a few milliseconds, and running a function is thread-safe.
    private static readonly Lazy<jit.CompilationUnit> Script = new(() => jit.compile(ScriptText), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<IntPtr, StepCounter> counters = [];
    private bool disposed;

    // False when an argument check threw before Adam's constructor ran: then Adam's own fields are null and its
    // Dispose (which the finalizer calls) would throw on the finalizer thread.
    private bool constructed;

    /// <summary>Creates a fused Adam over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    /// <param name="parameters">The parameters to optimize (at least one).</param>
    /// <param name="lr">Learning rate, a finite number ≥ 0 (default 1e-3).</param>
    /// <param name="beta1">Decay of the running mean of the gradient, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Decay of the running mean of the squared gradient, in [0, 1) (default 0.999).</param>
    /// <param name="eps">Added to the denominator for stability, a finite number ≥ 0 (default 1e-8).</param>
    /// <param name="weight_decay">L2 penalty added to the gradient, a finite number ≥ 0 (default 0).</param>
    /// <param name="amsgrad">Use the AMSGrad variant (the running maximum of the squared-gradient mean).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no parameters, or one cannot be updated by the fused kernel.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of its range (the message names it and the range).</exception>
    public FusedAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : this(SingleGroup(parameters), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    /// <summary>Creates a fused Adam over parameter groups; options a group leaves unset come from these arguments.</summary>
    /// <inheritdoc cref="FusedAdam(IEnumerable{Parameter}, double, double, double, double, double, bool, bool)" />
    public FusedAdam(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(CheckedGroups(parameters, lr, beta1, beta2, eps, weight_decay), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
        constructed = true;
        try
        {
            _ = Script.Value;   // compile now, so that a libtorch without the kernel fails here and not in the first step
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Performs one optimization step: one fused kernel call per parameter group.</summary>
    /// <param name="closure">Optional: re-evaluates the model and returns the loss (run with gradients enabled).</param>
    /// <returns>The closure's loss, or null without a closure.</returns>
    /// <exception cref="ObjectDisposedException">The optimizer was disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A group's options were changed to values out of range.</exception>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Tensor? loss = null;
        if (closure is not null)
        {
            using (enable_grad())
            {
                loss = closure();
            }
        }

        using (no_grad())
        using (NewDisposeScope())
        {
            foreach (var group in _parameter_groups)
            {
                StepGroup(group);
            }
        }

        return loss!;
    }

    /// <summary>
    /// Sets every parameter's gradient to none, as PyTorch's optimizers do (<c>zero_grad(set_to_none=True)</c>, their
    /// default since PyTorch 2.0); TorchSharp's Adam fills them with zeros instead. The next <c>backward()</c> then
    /// writes each gradient rather than adding it to zeros: two fewer passes over the weights per step, the same values.
    /// </summary>
    public override void zero_grad() => zero_grad(set_to_none: true);

    /// <summary>Sets every parameter's gradient to none, or with <paramref name="set_to_none"/> false to zeros in place.</summary>
    /// <param name="set_to_none">False: keep the gradient tensors and zero them (TorchSharp's Adam's behaviour).</param>
    public void zero_grad(bool set_to_none)
    {
        foreach (var p in _parameter_groups.SelectMany(g => g.Parameters))
        {
            using var grad = p.grad;
            if (grad is null)
            {
                continue;
            }

            if (set_to_none)
            {
                p.grad = null;
            }
            else
            {
                grad.zero_();
            }
        }
    }

    /// <inheritdoc />
    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        base.add_param_group(param_group);
        var options = (Options)param_group.Options;
        AdamHyperParameters.Check(options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.weight_decay!.Value);
        foreach (var p in param_group.Parameters)
        {
            CheckParameter(p);
            counters[p.Handle] = new StepCounter(p.device);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!constructed)
        {
            return;
        }

        if (disposing && !disposed)
        {
            disposed = true;
            foreach (var counter in counters.Values)
            {
                counter.Tensor.Dispose();
            }

            counters.Clear();
        }

        base.Dispose(disposing);
    }

    private void StepGroup(TorchSharp.Modules.ParamGroup group)
    {
        var options = (Options)group.Options;
        double lr = options.LearningRate!.Value, beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
        double eps = options.eps!.Value, weightDecay = options.weight_decay!.Value;
        bool amsgrad = options.amsgrad!.Value, maximize = options.maximize!.Value;
        AdamHyperParameters.Check(lr, beta1, beta2, eps, weightDecay);

        List<Tensor> parameters = [], grads = [], expAvgs = [], expAvgSqs = [], maxExpAvgSqs = [], steps = [];
        foreach (var p in group.Parameters)
        {
            var grad = p.grad;   // a new handle, released with the step's DisposeScope
            if (grad is null)
            {
                continue;
            }

            var state = (State)_state[p.Handle];
            if (amsgrad && state.max_exp_avg_sq is null)
            {
                // amsgrad switched on after the state was created (as PyTorch does, start the maximum at zero).
                state.max_exp_avg_sq = zeros_like(p).DetachFromDisposeScope();
            }

            var counter = counters[p.Handle];
            if (counter.Tensor.device_type != p.device_type || counter.Tensor.device_index != p.device_index)
            {
                // Optimizer.to(device) moved the state: the step tensor follows.
                counter.Tensor.Dispose();
                counters[p.Handle] = counter = new StepCounter(p.device);
            }

            if (counter.Value != state.step)
            {
                // The state's step was set from outside (a checkpoint): the kernel's step tensor follows it.
                using Scalar stepValue = state.step;   // disposed here, not left to the finalizer (docs/memory.md)
                counter.Tensor.fill_(stepValue);
            }

            state.step++;
            counter.Value = state.step;   // the script adds the 1 to the tensor
            parameters.Add(p);
            grads.Add(grad);
            expAvgs.Add(state.exp_avg);
            expAvgSqs.Add(state.exp_avg_sq);
            steps.Add(counter.Tensor);
            if (amsgrad)
            {
                maxExpAvgSqs.Add(state.max_exp_avg_sq);
            }
        }

        if (parameters.Count == 0)
        {
            return;
        }

        using Scalar lrScalar = lr, beta1Scalar = beta1, beta2Scalar = beta2, weightDecayScalar = weightDecay, epsScalar = eps;
        Script.Value.invoke("fused_adam_step", parameters.ToArray(), grads.ToArray(), expAvgs.ToArray(), expAvgSqs.ToArray(), maxExpAvgSqs.ToArray(),
            steps.ToArray(), lrScalar, beta1Scalar, beta2Scalar, weightDecayScalar, epsScalar, amsgrad, maximize);
    }

    private static IEnumerable<ParamGroup> SingleGroup(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [new ParamGroup { Parameters = parameters.ToArray() }];
    }

    private static IEnumerable<ParamGroup> CheckedGroups(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        AdamHyperParameters.Check(lr, beta1, beta2, eps, weightDecay);
        var list = groups.ToArray();
        foreach (var group in list)
        {
            ArgumentNullException.ThrowIfNull(group, nameof(groups));
            group.Parameters = group.Parameters?.ToArray() ?? throw new ArgumentException("A parameter group has no parameters (Parameters is null).", nameof(groups));
        }

        if (list.Sum(g => g.Parameters.Count()) == 0)
        {
            throw new ArgumentException("FusedAdam got an empty parameter list: pass the model's parameters(), e.g. new FusedAdam(model.parameters()).", "parameters");
        }

        return list;
    }

    private static void CheckParameter(Parameter p)
    {
        if (p.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"The fused Adam kernel updates float32, float64, float16 and bfloat16 parameters; this one is {p.dtype}. Use torch.optim.Adam for it.", "parameters");
        }

        if (p.is_sparse)
        {
            throw new ArgumentException("The fused Adam kernel updates dense parameters; this one is sparse. Use torch.optim.Adam for it.", "parameters");
        }
    }

    /// <summary>The float step tensor the kernel reads on the parameter's device, and the step it holds (mirrors <see cref="TorchSharp.Modules.Adam.State.step"/>).</summary>
    private sealed class StepCounter(Device device)
    {
        public Tensor Tensor { get; } = zeros(Array.Empty<long>(), ScalarType.Float32, device).DetachFromDisposeScope();

        public long Value { get; set; }
    }
}
