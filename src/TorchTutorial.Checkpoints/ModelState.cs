using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// The model side of a checkpoint: reads a model's tensors out by PyTorch name, checks a checkpoint's tensors against
/// the model (every name present, no others, same shapes and types) and only then copies them in.
/// </summary>
internal static class ModelState
{
    private const int ListedNames = 6;

    /// <summary>The model's parameters and buffers (its <c>state_dict</c>), in PyTorch's order.</summary>
    public static List<KeyValuePair<string, TensorRecord>> Capture(nn.Module model) =>
        model.state_dict().Select(t => KeyValuePair.Create(t.Key, TensorRecord.FromTensor(t.Value, $"model tensor '{t.Key}'"))).ToList();

    /// <summary>Checks <paramref name="tensors"/> against the model without changing anything.</summary>
    /// <exception cref="CheckpointDataException">A name is missing, unexpected or repeated, or a shape or type differs.</exception>
    public static void Validate(IReadOnlyList<KeyValuePair<string, TensorRecord>> tensors, nn.Module model)
    {
        var expected = model.state_dict();
        var found = new Dictionary<string, TensorRecord>(StringComparer.Ordinal);
        foreach (var (name, record) in tensors)
        {
            if (!found.TryAdd(name, record))
            {
                throw CheckpointDataException.Corrupt($"the tensor '{name}' appears twice.");
            }
        }

        var missing = expected.Keys.Where(k => !found.ContainsKey(k)).ToList();
        var unexpected = found.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (expected.Count > 0 && missing.Count == expected.Count)
        {
            throw new CheckpointDataException(
                CheckpointProblem.WrongModel,
                found.Count == 0
                    ? $"it holds no model tensors, but this model has {Names(expected.Keys)}."
                    : $"it holds a different model: its tensors are {Names(found.Keys)}, but this model's are {Names(expected.Keys)}.");
        }

        if (missing.Count > 0)
        {
            throw new CheckpointDataException(
                CheckpointProblem.MissingTensor,
                $"it lacks {Names(missing)} of this model" + (unexpected.Count > 0 ? $" and has {Names(unexpected)}, which this model does not." : "."));
        }

        if (unexpected.Count > 0)
        {
            throw new CheckpointDataException(CheckpointProblem.UnexpectedTensor, $"it has {Names(unexpected)}, which this model does not.");
        }

        var wrongType = new List<string>();
        var wrongShape = new List<string>();
        foreach (var (name, target) in expected)
        {
            var record = found[name];
            if (record.DType.ScalarType != target.dtype)
            {
                wrongType.Add($"'{name}': {TensorDType.FromScalarType(target.dtype)?.Name ?? target.dtype.ToString()} expected but {record.DType} found");
            }
            else if (!record.Shape.SequenceEqual(target.shape))
            {
                wrongShape.Add($"'{name}': shape {TensorRecord.FormatShape(target.shape)} expected but {record.ShapeText} found");
            }
        }

        if (wrongType.Count > 0)
        {
            throw new CheckpointDataException(CheckpointProblem.DTypeMismatch, $"element types differ: {string.Join("; ", wrongType)}.");
        }

        if (wrongShape.Count > 0)
        {
            throw new CheckpointDataException(
                CheckpointProblem.ShapeMismatch,
                $"{wrongShape.Count} tensor(s) have another shape (a model of other sizes?): {string.Join("; ", wrongShape)}.");
        }
    }

    /// <summary>Copies validated tensors into the model's parameters and buffers, in place, without recording gradients.</summary>
    public static void Apply(IReadOnlyList<KeyValuePair<string, TensorRecord>> tensors, nn.Module model)
    {
        var targets = model.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, record) in tensors)
        {
            using var source = record.ToTensor();
            targets[name].copy_(source);
        }
    }

    /// <summary>Lists names for a message: <c>'a', 'b', 'c'</c>, shortened after a few.</summary>
    public static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        var shown = string.Join(", ", list.Take(ListedNames).Select(n => $"'{n}'"));
        return list.Count > ListedNames ? $"{shown} and {list.Count - ListedNames} more" : shown;
    }
}
