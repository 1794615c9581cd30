using System.Collections;
using Razorvine.Pickle;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Unpickles a PyTorch state_dict with Razorvine.Pickle, after <see cref="PickleSafetyScanner.Scan"/> has checked the
/// whole pickle against the allow-list and routed its globals, dicts, SETITEMS and BUILDs here. The values are Razorvine's
/// (null, bool, int, long, double, string, <c>object[]</c> tuples, <see cref="ArrayList"/> lists) and this file's
/// (<see cref="PickleDict"/>, <see cref="TensorRecord"/>, <see cref="PickleStorage"/>, <see cref="PickleGlobal"/>);
/// only the three callables of the allow-list can be called, and each is implemented here: nothing named by the file
/// is looked up or invoked.
/// </summary>
internal sealed class PickleReader : Unpickler
{
    private readonly List<string?> buffers;
    private readonly Func<TensorDType, string, long, PickleStorage> loadStorage;
    private readonly Dictionary<string, PickleStorage> storages = new(StringComparer.Ordinal);
    private int buffersUsed;

    private PickleReader(List<string?> buffers, Func<TensorDType, string, long, PickleStorage> loadStorage)
    {
        this.buffers = buffers;
        this.loadStorage = loadStorage;
    }

    /// <summary>Unpickles <paramref name="pickle"/>.</summary>
    /// <param name="pickle">The pickle bytes (<c>data.pkl</c>).</param>
    /// <param name="loadStorage">Loads a storage's bytes from the archive: element type, key, element count.</param>
    /// <exception cref="CheckpointDataException">The pickle is malformed, refers to something not allowed, or its tensors do not fit their storages.</exception>
    public static object? Read(byte[] pickle, Func<TensorDType, string, long, PickleStorage> loadStorage)
    {
        var (rewritten, buffers) = PickleSafetyScanner.Scan(pickle);
        using var reader = new PickleReader(buffers, loadStorage);
        try
        {
            return reader.loads(rewritten);
        }
        catch (Exception ex) when (ex is not CheckpointDataException)
        {
            // Razorvine reports a malformed stream with whatever its code hit (a cast, an empty stack); one of ours may be inside.
            for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is CheckpointDataException known)
                {
                    throw known;
                }
            }

            throw new CheckpointDataException(CheckpointProblem.Corrupt, $"its pickle is malformed ({ex.GetType().Name}: {ex.Message.TrimEnd('.')}).", ex);
        }
    }

    /// <summary>A Python-like type name of a value, for messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        int or long => "int",
        double => "float",
        string => "str",
        object[] => "tuple",
        ArrayList => "list",
        PickleDict d => d.IsOrderedDict ? "OrderedDict" : "dict",
        Hashtable => "dict",
        TensorRecord => "Tensor",
        PickleStorage => "storage",
        PickleGlobal g => g.FullName,
        _ => value.GetType().Name,
    };

    /// <summary>An int of the pickle as a long: Razorvine gives <c>int</c> up to 32 bits and <c>long</c> beyond.</summary>
    public static long? AsLong(object? value) => value switch { int i => i, long l => l, _ => null };

    /// <summary>What a rewritten GLOBAL, STACK_GLOBAL or EMPTY_DICT stands for (see <see cref="PickleSafetyScanner"/>).</summary>
    public override object nextBuffer() =>
        buffersUsed < buffers.Count
            ? buffers[buffersUsed++] is string name ? new PickleGlobal(name) : new PickleDict(ordered: false)
            : throw CheckpointDataException.Corrupt("its pickle is malformed: more globals are used than were scanned.");

    /// <summary>A storage's persistent id, or a BUILD or SETITEMS that the scan rewrote as a persistent id.</summary>
    protected override object persistentLoad(object pid) => pid switch
    {
        object[] { Length: 2 } build => Build(build[0], build[1]),
        object[] and [var target, ArrayList items, null] => SetItems(target, items),
        object[] { Length: 5 } storage => Storage(storage),
        _ => throw Malformed("a persistent id is not ('storage', torch.<Type>Storage, key, location, numel)"),
    };

    /// <summary>The persistent id torch.save writes for a storage: <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
    private PickleStorage Storage(object[] pid)
    {
        if (pid is not ["storage", PickleGlobal { IsStorageClass: true } type, string key, string, var numel] || AsLong(numel) is not long count)
        {
            throw Malformed("a persistent id is not ('storage', torch.<Type>Storage, key, location, numel)");
        }

        var dtype = TensorDType.FromStorageName(type.Name)!;
        if (storages.TryGetValue(key, out var known))
        {
            return known.DType == dtype && known.Data.LongLength == count * dtype.Size
                ? known
                : throw CheckpointDataException.Corrupt($"storage '{key}' is referred to with two different types or sizes.");
        }

        if (count < 0 || count > int.MaxValue / dtype.Size)
        {
            throw CheckpointDataException.Corrupt($"storage '{key}' announces {count} elements.");
        }

        return storages[key] = loadStorage(dtype, key, count);
    }

    /// <summary>SETITEMS: <c>(dict, [key, value, key, value, ...], None)</c>, set in order.</summary>
    private static Hashtable SetItems(object? target, ArrayList items)
    {
        if (target is not Hashtable dict || items.Count % 2 != 0)
        {
            throw Malformed($"SETITEMS on a {TypeName(target)}, or with an odd number of items");
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            dict[items[i]!] = items[i + 1];
        }

        return dict;
    }

    private static object Build(object? target, object? state)
    {
        // torch.save keeps a state_dict's _metadata attribute (module versions) this way; it is not needed and is dropped.
        if (target is PickleDict { IsOrderedDict: true } && state is PickleDict attributes
            && attributes.Items.All(a => a.Key is "_metadata" && a.Value is PickleDict or null))
        {
            return target;
        }

        throw new CheckpointDataException(
            CheckpointProblem.UnsafeContent,
            $"its pickle sets the state of a {TypeName(target)} (BUILD); a state_dict only sets an OrderedDict's _metadata. Refused.");
    }

    internal static CheckpointDataException Malformed(string problem) => CheckpointDataException.Corrupt($"its pickle is malformed: {problem}.");
}

/// <summary>An allowed global (<c>collections.OrderedDict</c>, <c>torch.FloatStorage</c>, ...); calling it runs this project's code for it.</summary>
internal sealed class PickleGlobal(string fullName) : IObjectConstructor
{
    /// <summary>The dotted name.</summary>
    public string FullName { get; } = fullName;

    /// <summary>The name after the last dot.</summary>
    public string Name => FullName[(FullName.LastIndexOf('.') + 1)..];

    /// <summary>True for <c>torch.FloatStorage</c> and its siblings, which name an element type and cannot be called.</summary>
    public bool IsStorageClass => !PickleSafetyScanner.Callables.Contains(FullName);

    /// <inheritdoc/>
    public object construct(object[] args) => FullName switch
    {
        PickleSafetyScanner.OrderedDict => args.Length == 0 ? new PickleDict(ordered: true) : throw PickleReader.Malformed("OrderedDict is called with arguments"),
        PickleSafetyScanner.RebuildParameter => args is [TensorRecord parameter, bool, Hashtable]
            ? parameter
            : throw PickleReader.Malformed("_rebuild_parameter is called with arguments other than (tensor, requires_grad, hooks)"),
        PickleSafetyScanner.RebuildTensor => RebuildTensor(args),
        _ => throw new CheckpointDataException(
            CheckpointProblem.UnsafeContent,
            $"its pickle calls {FullName}; only {string.Join(", ", PickleSafetyScanner.Callables)} may be called."),
    };

    /// <summary><c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c>.</summary>
    private static TensorRecord RebuildTensor(object[] args)
    {
        if (args.Length is not (6 or 7) || args[0] is not PickleStorage storage || PickleReader.AsLong(args[1]) is not long offset
            || args[2] is not object[] sizeTuple || args[3] is not object[] strideTuple || args[4] is not bool || args[5] is not Hashtable
            || (args.Length == 7 && args[6] is not (null or Hashtable)))
        {
            throw PickleReader.Malformed("_rebuild_tensor_v2 is called with arguments other than (storage, offset, size, stride, requires_grad, hooks)");
        }

        var size = Integers(sizeTuple, "size");
        var stride = Integers(strideTuple, "stride");
        string what = $"the tensor in storage '{storage.Key}'";
        if (size.Length != stride.Length || offset < 0 || stride.Any(s => s < 0))
        {
            throw CheckpointDataException.Corrupt($"{what} has an invalid size {TensorRecord.FormatShape(size)}, stride {TensorRecord.FormatShape(stride)} or offset {offset}.");
        }

        long bytes = TensorRecord.ByteCount(storage.DType, size, what);
        long storageElements = storage.Data.Length / storage.DType.Size;
        int elementSize = storage.DType.Size;
        var data = new byte[0];
        if (bytes > 0)
        {
            long last;
            try
            {
                last = checked(offset + size.Select((s, d) => (s - 1) * stride[d]).Aggregate(0L, (a, b) => checked(a + b)));
            }
            catch (OverflowException)
            {
                last = long.MaxValue;
            }

            if (last >= storageElements || bytes > storage.Data.Length)
            {
                throw CheckpointDataException.Corrupt($"{what} (size {TensorRecord.FormatShape(size)}, stride {TensorRecord.FormatShape(stride)}, offset {offset}) reaches beyond its {storageElements}-element storage.");
            }

            data = new byte[bytes];
            Gather(storage.Data, elementSize, offset, size, stride, data);
        }

        return TensorRecord.Create(storage.DType, size, data, what);
    }

    /// <summary>Copies the elements of a strided view into <paramref name="target"/> in row-major order, a contiguous run at a time.</summary>
    private static void Gather(byte[] source, int elementSize, long offset, long[] size, long[] stride, byte[] target)
    {
        int inner = size.Length;
        long run = 1;
        while (inner > 0 && (size[inner - 1] == 1 || stride[inner - 1] == run))
        {
            run *= size[--inner];
        }

        var index = new long[inner];
        int runBytes = (int)(run * elementSize);
        for (int written = 0; written < target.Length; written += runBytes)
        {
            long at = offset;
            for (int d = 0; d < inner; d++)
            {
                at += index[d] * stride[d];
            }

            source.AsSpan((int)(at * elementSize), runBytes).CopyTo(target.AsSpan(written));
            for (int d = inner - 1; d >= 0 && ++index[d] == size[d]; d--)
            {
                index[d] = 0;
            }
        }
    }

    private static long[] Integers(object[] tuple, string what) =>
        tuple.Length <= TensorRecord.MaxDimensions && tuple.All(i => PickleReader.AsLong(i) is not null)
            ? tuple.Select(i => PickleReader.AsLong(i)!.Value).ToArray()
            : throw PickleReader.Malformed($"a tensor's {what} is not a short tuple of ints");
}

/// <summary>A Python dict or <c>OrderedDict</c> with string or int keys (ints as long), in insertion order.</summary>
internal sealed class PickleDict(bool ordered) : Hashtable
{
    private readonly List<object> keys = [];

    /// <summary>True for a <c>collections.OrderedDict</c>.</summary>
    public bool IsOrderedDict { get; } = ordered;

    /// <summary>The entries in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<object, object?>> Items => keys.Select(k => new KeyValuePair<object, object?>(k, base[k])).ToList();

    /// <summary>Sets an entry as Python does: a new key is appended, an existing one keeps its place.</summary>
    /// <exception cref="CheckpointDataException">The key is neither a string nor an int.</exception>
    public override object? this[object key]
    {
        get => base[key];
        set
        {
            var normal = PickleReader.AsLong(key) as object ?? key as string
                ?? throw CheckpointDataException.Corrupt($"its pickle has a dict key of type {PickleReader.TypeName(key)}; a state_dict uses only str and int keys.");
            if (!ContainsKey(normal))
            {
                keys.Add(normal);
            }

            base[normal] = value;
        }
    }

    /// <summary>The value under a key.</summary>
    public bool TryGetValue(object key, out object? value)
    {
        value = base[key];
        return ContainsKey(key);
    }
}

/// <summary>A tensor storage from the archive's <c>data/</c> folder, named by a persistent id.</summary>
internal sealed record PickleStorage(TensorDType DType, string Key, byte[] Data);
