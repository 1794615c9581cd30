namespace TorchTutorial.Checkpoints;

// The values PickleReader builds. Python's None, bools, ints (long), floats (double) and strings map to .NET's own
// null, bool, long, double and string; these types cover the rest. Nothing here runs code or holds native memory.

/// <summary>A reference to an allowed global (<c>collections.OrderedDict</c>, <c>torch.FloatStorage</c>, ...).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    /// <summary>The dotted name.</summary>
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A Python tuple.</summary>
internal sealed class PickleTuple(object?[] items)
{
    /// <summary>The items.</summary>
    public object?[] Items { get; } = items;
}

/// <summary>A Python list.</summary>
internal sealed class PickleList
{
    /// <summary>The items.</summary>
    public List<object?> Items { get; } = [];
}

/// <summary>A Python dict or <c>OrderedDict</c> with string or int keys, in insertion order.</summary>
internal sealed class PickleDict(bool ordered)
{
    private readonly List<KeyValuePair<object, object?>> items = [];
    private readonly Dictionary<object, int> index = [];

    /// <summary>True for a <c>collections.OrderedDict</c>.</summary>
    public bool IsOrderedDict { get; } = ordered;

    /// <summary>The entries in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<object, object?>> Items => items;

    /// <summary>Sets an entry as Python does: a new key is appended, an existing one keeps its place.</summary>
    /// <exception cref="CheckpointDataException">The key is neither a string nor an int.</exception>
    public void Set(object? key, object? value)
    {
        if (key is not (string or long))
        {
            throw CheckpointDataException.Corrupt($"its pickle has a dict key of type {PickleReader.TypeName(key)}; a state_dict uses only str and int keys.");
        }

        if (index.TryGetValue(key, out int at))
        {
            items[at] = new(key, value);
        }
        else
        {
            index[key] = items.Count;
            items.Add(new(key, value));
        }
    }

    /// <summary>The value under a key.</summary>
    public bool TryGetValue(object key, out object? value)
    {
        if (index.TryGetValue(key, out int at))
        {
            value = items[at].Value;
            return true;
        }

        value = null;
        return false;
    }
}

/// <summary>A tensor storage from the archive's <c>data/</c> folder, named by a persistent id.</summary>
internal sealed record PickleStorage(TensorDType DType, string Key, byte[] Data);

/// <summary>A tensor rebuilt by <c>torch._utils._rebuild_tensor_v2</c>, copied out of its storage.</summary>
internal sealed record PickleTensor(TensorRecord Record);
