using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Moves optimizer state between a TorchSharp optimizer and an <see cref="OptimizerRecord"/>: reads it out, checks a
/// record against an optimizer without changing anything, and only then writes it in.
/// </summary>
internal static class OptimizerStateTransfer
{
    /// <summary>The learning rate's key.</summary>
    public const string LearningRateKey = "lr";

    /// <summary>The key LR schedulers keep the initial learning rate under.</summary>
    public const string InitialLearningRateKey = "initial_lr";

    /// <summary>The layout for the optimizer, or an <see cref="CheckpointProblem.Unsupported"/> error.</summary>
    public static OptimizerLayout LayoutOf(optim.Optimizer optimizer) =>
        OptimizerLayout.Find(optimizer) ?? throw new CheckpointDataException(
            CheckpointProblem.Unsupported,
            $"the state of a {optimizer.GetType().Name} optimizer cannot be checkpointed; supported optimizers: {OptimizerLayout.SupportedNames}.");

    /// <summary>The optimizer's hyperparameters and per-parameter state.</summary>
    public static OptimizerRecord Capture(optim.Optimizer optimizer)
    {
        var layout = LayoutOf(optimizer);
        var helper = (OptimizerHelper)optimizer;
        var groups = Groups(helper);
        var stateDict = helper.state_dict();
        var record = new OptimizerRecord { Kind = layout.Name, ParameterCount = stateDict.State.Count };
        for (int g = 0; g < groups.Count; g++)
        {
            var options = stateDict.Options[g];
            var group = new OptimizerGroupRecord { ParameterCount = groups[g].Parameters.Count() };
            group.HyperParameters[LearningRateKey] = options.LearningRate ?? throw new InvalidOperationException("The optimizer's learning rate is not set.");
            foreach (var (key, value) in layout.ToPyTorch(name => OptimizerLayout.GetOption(options, name)))
            {
                group.HyperParameters[key] = value;
            }

            group.HyperParameters[InitialLearningRateKey] = options.InitialLearningRate;
            record.Groups.Add(group);
        }

        for (int i = 0; i < stateDict.State.Count; i++)
        {
            var state = stateDict.State[i];
            var entries = new Dictionary<string, object?>();
            foreach (var key in layout.State)
            {
                var value = OptimizerLayout.Field(state, key).GetValue(state);
                entries[key] = value is Tensor t ? TensorRecord.FromTensor(t, $"optimizer state '{key}' of parameter {i}") : value;
            }

            record.States[i] = entries;
        }

        // Only SGD without momentum keeps nothing (SGD with momentum that has not stepped yet still keeps its setting).
        record.KeepsState = stateDict.Options.Any(o => o is not SGD.Options { momentum: null or 0.0 })
            || record.States.Values.Any(entries => entries.Values.Any(value => value is not null));
        return record;
    }

    /// <summary>Checks that <paramref name="record"/> fits <paramref name="optimizer"/>, changing nothing.</summary>
    /// <exception cref="CheckpointDataException">Another optimizer class, other groups, other shapes, or malformed values.</exception>
    public static void Validate(OptimizerRecord record, optim.Optimizer optimizer)
    {
        var layout = LayoutOf(optimizer);
        if (record.Kind is not null && OptimizerLayout.FindByName(record.Kind) != layout)
        {
            throw Mismatch($"it holds {record.Kind} optimizer state, but the optimizer is {layout.Name}.");
        }

        var groups = Groups((OptimizerHelper)optimizer);
        var parameters = groups.SelectMany(g => g.Parameters).ToList();
        if (record.Groups.Count != groups.Count)
        {
            throw Mismatch($"its optimizer state has {record.Groups.Count} parameter group(s), but the optimizer has {groups.Count}.");
        }

        if (record.ParameterCount is int total && total != parameters.Count)
        {
            throw Mismatch($"its optimizer state covers {total} parameters, but the optimizer has {parameters.Count}.");
        }

        for (int g = 0; g < groups.Count; g++)
        {
            var group = record.Groups[g];
            int count = groups[g].Parameters.Count();
            if (group.ParameterCount is int n && n != count)
            {
                throw Mismatch($"parameter group {g} has {n} parameters in the file, but {count} in the optimizer.");
            }

            foreach (var key in new[] { LearningRateKey, InitialLearningRateKey })
            {
                bool present = group.HyperParameters.TryGetValue(key, out var rate);
                if (!present && key == LearningRateKey)
                {
                    throw Mismatch($"parameter group {g} has no '{key}': the file's optimizer state is not for {layout.PyTorchName}.");
                }

                if (present && (AsDouble(rate) is not double d || !double.IsFinite(d) || d < 0))
                {
                    throw Mismatch($"'{key}' in parameter group {g} should be a non-negative number but is {DescribeValue(rate)}.");
                }
            }

            foreach (var key in layout.HyperParameters)
            {
                if (!group.HyperParameters.TryGetValue(key, out var value))
                {
                    throw Mismatch($"parameter group {g} has no '{key}': the file's optimizer state is not for {layout.PyTorchName}.");
                }

                var (ok, expected) = OptimizerLayout.IsPair(key) ? (value is double[] { Length: 2 } pair && pair.All(double.IsFinite), "a pair of finite numbers")
                    : layout.IsBoolean(key) ? (value is bool, "a bool")
                    : (AsDouble(value) is double d && double.IsFinite(d), "a finite number");
                if (!ok)
                {
                    throw Mismatch($"'{key}' in parameter group {g} should be {expected} but is {DescribeValue(value)}.");
                }
            }
        }

        foreach (var (index, entries) in record.States)
        {
            if (index < 0 || index >= parameters.Count)
            {
                throw Mismatch($"it holds optimizer state for parameter {index}, but the optimizer has {parameters.Count} parameters.");
            }

            var parameter = parameters[index];
            foreach (var (key, value) in entries)
            {
                if (!layout.State.Contains(key))
                {
                    throw Mismatch($"parameter {index} has optimizer state '{key}', which {layout.Name} does not keep: the file's optimizer state is not for {layout.PyTorchName}.");
                }

                if (key == OptimizerLayout.StepKey)
                {
                    if (AsStep(value) is null)
                    {
                        throw Mismatch($"'step' of parameter {index} should be a non-negative whole number but is {DescribeValue(value)}.");
                    }
                }
                else if (value is TensorRecord tensor)
                {
                    if (tensor.DType.ScalarType != parameter.dtype || !tensor.Shape.SequenceEqual(parameter.shape))
                    {
                        throw Mismatch(
                            $"optimizer state '{key}' of parameter {index} is {tensor.DType} {tensor.ShapeText}, " +
                            $"but the parameter is {TensorDType.FromScalarType(parameter.dtype)?.Name ?? parameter.dtype.ToString()} {TensorRecord.FormatShape(parameter.shape)}.");
                    }
                }
                else if (value is not null)
                {
                    throw Mismatch($"optimizer state '{key}' of parameter {index} should be a tensor but is {DescribeValue(value)}.");
                }
            }
        }
    }

    /// <summary>
    /// Writes a validated record into the optimizer. Each parameter's state is first reset by TorchSharp's own
    /// <c>Initialize</c> (step 0; the tensors TorchSharp preallocates zeroed, the others null), which is what a state
    /// the file omits means (PyTorch omits unused buffers and the state of never-stepped parameters); then the file's
    /// values replace it.
    /// </summary>
    public static void Apply(OptimizerRecord record, optim.Optimizer optimizer)
    {
        var layout = LayoutOf(optimizer);
        var helper = (OptimizerHelper)optimizer;
        var parameters = Groups(helper).SelectMany(g => g.Parameters).ToList();
        var stateDict = helper.state_dict();
        var groupOfState = stateDict.StateIndexRef.SelectMany((indices, g) => indices.Select(_ => g)).ToList();
        for (int g = 0; g < record.Groups.Count; g++)
        {
            var values = record.Groups[g].HyperParameters;
            var options = stateDict.Options[g];
            double lr = AsDouble(values[LearningRateKey])!.Value;
            options.LearningRate = lr;
            options.InitialLearningRate = values.TryGetValue(InitialLearningRateKey, out var initial) && AsDouble(initial) is double d ? d : lr;
            foreach (var key in layout.HyperParameters)
            {
                OptimizerLayout.SetOption(options, key, AsDouble(values[key]) is double number ? number : values[key]!);
            }
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            var state = stateDict.State[i];
            state.Initialize(stateDict.Options[groupOfState[i]]);
            foreach (var (key, value) in record.States.GetValueOrDefault(i) ?? [])
            {
                var field = OptimizerLayout.Field(state, key);
                if (key == OptimizerLayout.StepKey)
                {
                    field.SetValue(state, AsStep(value) ?? 0L);
                }
                else if (value is TensorRecord tensor)
                {
                    using var scope = NewDisposeScope();
                    var initialized = field.GetValue(state) as Tensor;
                    field.SetValue(state, tensor.ToTensor().to(parameters[i].device).DetachFromDisposeScope());
                    initialized?.Dispose();
                }
            }
        }
    }

    /// <summary>A number as a double: Python ints and floats, or a one-element numeric tensor.</summary>
    public static double? AsDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        _ => null,
    };

    private static long? AsStep(object? value)
    {
        double? number = value switch
        {
            long l => l,
            double d => d,
            TensorRecord t => ScalarOf(t),
            _ => null,
        };
        return number is double n && n >= 0 && n <= (1L << 53) && Math.Floor(n) == n ? (long)n : null;
    }

    /// <summary>The value of a one-element float or int tensor (PyTorch's <c>step</c> tensor), through libtorch.</summary>
    private static double? ScalarOf(TensorRecord tensor)
    {
        if (tensor.Data.Length != tensor.DType.Size || tensor.DType.ScalarType is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Int64 or ScalarType.Int32))
        {
            return null;
        }

        using var value = tensor.ToTensor();
        return value.ToDouble();
    }

    private static List<ParamGroup> Groups(OptimizerHelper optimizer) => optimizer.ParamGroups.Cast<ParamGroup>().ToList();

    private static string DescribeValue(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double or long => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        double[] pair => $"({string.Join(", ", pair)})",
        TensorRecord t => $"a {t.DType} tensor {t.ShapeText}",
        _ => $"a {PickleReader.TypeName(value)}",
    };

    private static CheckpointDataException Mismatch(string message) => new(CheckpointProblem.OptimizerMismatch, message);
}
