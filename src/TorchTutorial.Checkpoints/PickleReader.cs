namespace TorchTutorial.Checkpoints;

/// <summary>
/// A restricted unpickler for PyTorch state_dict files. It builds plain values (see PickleValues.cs) and implements
/// exactly three callables itself: <c>collections.OrderedDict()</c>, <c>torch._utils._rebuild_tensor_v2</c> and
/// <c>torch._utils._rebuild_parameter</c>; it never looks up or invokes a type or method named by the file.
/// <see cref="Read"/> runs <see cref="PickleSafetyScanner.Scan"/> over the whole pickle first: that scan is the one
/// place the allow-list is enforced, so a refused global is refused by name before this reader builds anything.
/// </summary>
internal sealed class PickleReader
{
    private const int MaxStack = 1_000_000;

    private readonly byte[] pickle;
    private readonly Func<TensorDType, string, long, PickleStorage> loadStorage;
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];
    private readonly Dictionary<string, PickleStorage> storages = new(StringComparer.Ordinal);

    private PickleReader(byte[] pickle, Func<TensorDType, string, long, PickleStorage> loadStorage)
    {
        this.pickle = pickle;
        this.loadStorage = loadStorage;
    }

    /// <summary>Unpickles <paramref name="pickle"/>.</summary>
    /// <param name="pickle">The pickle bytes (<c>data.pkl</c>).</param>
    /// <param name="loadStorage">Loads a storage's bytes from the archive: element type, key, element count.</param>
    /// <exception cref="CheckpointDataException">The pickle is malformed, refers to something not allowed, or its tensors do not fit their storages.</exception>
    public static object? Read(byte[] pickle, Func<TensorDType, string, long, PickleStorage> loadStorage)
    {
        PickleSafetyScanner.Scan(pickle);
        return new PickleReader(pickle, loadStorage).Run();
    }

    /// <summary>A Python-like type name of a value, for messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        PickleTuple => "tuple",
        PickleList => "list",
        PickleDict d => d.IsOrderedDict ? "OrderedDict" : "dict",
        PickleTensor => "Tensor",
        PickleStorage => "storage",
        PickleGlobal g => g.FullName,
        _ => value.GetType().Name,
    };

    private object? Run()
    {
        int position = 0;
        while (true)
        {
            var ins = PickleInstruction.Decode(pickle, ref position);
            switch (ins.Opcode)
            {
                case PickleOpcodes.Proto:
                case PickleOpcodes.Frame:
                    break;
                case PickleOpcodes.Stop:
                    if (position != pickle.Length || stack.Count != 1 || marks.Count != 0)
                    {
                        throw Malformed(ins, "STOP must end the pickle with exactly one value on the stack");
                    }

                    return stack[0];
                case PickleOpcodes.Mark:
                    marks.Push(stack.Count);
                    break;
                case PickleOpcodes.Pop:
                    Pop(ins);
                    break;
                case PickleOpcodes.PopMark:
                    PopToMark(ins);
                    break;
                case PickleOpcodes.Dup:
                    Push(Peek(ins));
                    break;
                case PickleOpcodes.None:
                    Push(null);
                    break;
                case PickleOpcodes.NewTrue:
                    Push(true);
                    break;
                case PickleOpcodes.NewFalse:
                    Push(false);
                    break;
                case PickleOpcodes.BinInt:
                case PickleOpcodes.BinInt1:
                case PickleOpcodes.BinInt2:
                case PickleOpcodes.Long1:
                    Push(ins.Integer);
                    break;
                case PickleOpcodes.BinFloat:
                    Push(ins.Float);
                    break;
                case PickleOpcodes.ShortBinUnicode:
                case PickleOpcodes.BinUnicode:
                case PickleOpcodes.BinUnicode8:
                    Push(ins.Text);
                    break;
                case PickleOpcodes.EmptyTuple:
                    Push(new PickleTuple([]));
                    break;
                case PickleOpcodes.Tuple:
                    Push(new PickleTuple(PopToMark(ins).ToArray()));
                    break;
                case PickleOpcodes.Tuple1:
                case PickleOpcodes.Tuple2:
                case PickleOpcodes.Tuple3:
                    int count = ins.Opcode - PickleOpcodes.Tuple1 + 1;
                    var items = new object?[count];
                    for (int i = count - 1; i >= 0; i--)
                    {
                        items[i] = Pop(ins);
                    }

                    Push(new PickleTuple(items));
                    break;
                case PickleOpcodes.EmptyList:
                    Push(new PickleList());
                    break;
                case PickleOpcodes.List:
                    var list = new PickleList();
                    list.Items.AddRange(PopToMark(ins));
                    Push(list);
                    break;
                case PickleOpcodes.Append:
                    var appended = Pop(ins);
                    ListOnTop(ins).Items.Add(appended);
                    break;
                case PickleOpcodes.Appends:
                    var many = PopToMark(ins);
                    ListOnTop(ins).Items.AddRange(many);
                    break;
                case PickleOpcodes.EmptyDict:
                    Push(new PickleDict(ordered: false));
                    break;
                case PickleOpcodes.Dict:
                    var dict = new PickleDict(ordered: false);
                    SetPairs(dict, PopToMark(ins), ins);
                    Push(dict);
                    break;
                case PickleOpcodes.SetItem:
                    var value = Pop(ins);
                    var key = Pop(ins);
                    DictOnTop(ins).Set(key, value);
                    break;
                case PickleOpcodes.SetItems:
                    var pairs = PopToMark(ins);
                    SetPairs(DictOnTop(ins), pairs, ins);
                    break;
                case PickleOpcodes.BinPut:
                case PickleOpcodes.LongBinPut:
                    Remember(ins.Integer, ins);
                    break;
                case PickleOpcodes.Memoize:
                    Remember(memo.Count, ins);
                    break;
                case PickleOpcodes.BinGet:
                case PickleOpcodes.LongBinGet:
                    Push(memo.TryGetValue(ins.Integer, out var remembered) ? remembered : throw Malformed(ins, $"memo entry {ins.Integer} was never stored"));
                    break;
                case PickleOpcodes.Global:
                    Push(new PickleGlobal(ins.Text!, ins.Name!)); // by name only: the scan has refused every global outside the allow-list
                    break;
                case PickleOpcodes.StackGlobal:
                    var name = Pop(ins);
                    var module = Pop(ins);
                    if (module is not string m || name is not string n)
                    {
                        throw new CheckpointDataException(CheckpointProblem.UnsafeContent, $"its pickle has a STACK_GLOBAL at offset {ins.Offset} whose module and name are not strings.");
                    }

                    Push(new PickleGlobal(m, n));
                    break;
                case PickleOpcodes.Reduce:
                    var arguments = Pop(ins);
                    var callable = Pop(ins);
                    Push(Call(callable, arguments, ins));
                    break;
                case PickleOpcodes.Build:
                    var state = Pop(ins);
                    Build(Peek(ins), state, ins);
                    break;
                case PickleOpcodes.BinPersId:
                    Push(PersistentLoad(Pop(ins), ins));
                    break;
                default:
                    throw new CheckpointDataException(
                        CheckpointProblem.UnsafeContent,
                        $"its pickle uses {PickleOpcodes.NameOf(ins.Opcode)} at offset {ins.Offset}, which a state_dict never uses; refused.");
            }
        }
    }

    /// <summary>Runs one of the three callables implemented here; any other global (a storage class) cannot be called.</summary>
    private object? Call(object? callable, object? arguments, PickleInstruction ins)
    {
        if (callable is not PickleGlobal global || !PickleAllowList.IsCallable(global.Module, global.Name))
        {
            throw new CheckpointDataException(
                callable is PickleGlobal ? CheckpointProblem.UnsafeContent : CheckpointProblem.Corrupt,
                $"its pickle calls {TypeName(callable)} at offset {ins.Offset}; only {PickleAllowList.OrderedDict}, {PickleAllowList.RebuildTensor} and {PickleAllowList.RebuildParameter} may be called.");
        }

        if (arguments is not PickleTuple tuple)
        {
            throw Malformed(ins, $"{global.FullName} is called with a {TypeName(arguments)} instead of an argument tuple");
        }

        var args = tuple.Items;
        switch (global.FullName)
        {
            case PickleAllowList.OrderedDict:
                return args.Length == 0 ? new PickleDict(ordered: true) : throw Malformed(ins, "OrderedDict is called with arguments");
            case PickleAllowList.RebuildParameter:
                return args.Length == 3 && args[0] is PickleTensor parameter && args[1] is bool && args[2] is PickleDict
                    ? parameter
                    : throw Malformed(ins, "_rebuild_parameter is called with arguments other than (tensor, requires_grad, hooks)");
            default:
                return RebuildTensor(args, ins);
        }
    }

    /// <summary><c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c>.</summary>
    private static PickleTensor RebuildTensor(object?[] args, PickleInstruction ins)
    {
        if (args.Length is not (6 or 7) || args[0] is not PickleStorage storage || args[1] is not long offset
            || args[2] is not PickleTuple sizeTuple || args[3] is not PickleTuple strideTuple || args[4] is not bool || args[5] is not PickleDict
            || (args.Length == 7 && args[6] is not (null or PickleDict)))
        {
            throw Malformed(ins, "_rebuild_tensor_v2 is called with arguments other than (storage, offset, size, stride, requires_grad, hooks)");
        }

        var size = Integers(sizeTuple, ins, "size");
        var stride = Integers(strideTuple, ins, "stride");
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
            if (IsContiguous(size, stride))
            {
                storage.Data.AsSpan((int)(offset * elementSize), (int)bytes).CopyTo(data);
            }
            else
            {
                Gather(storage.Data, elementSize, offset, size, stride, data);
            }
        }

        return new PickleTensor(TensorRecord.Create(storage.DType, size, data, what));
    }

    private static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expected)
            {
                return false;
            }

            expected *= size[d];
        }

        return true;
    }

    private static void Gather(byte[] source, int elementSize, long offset, long[] size, long[] stride, byte[] target)
    {
        var index = new long[size.Length];
        long count = target.Length / elementSize;
        for (long i = 0; i < count; i++)
        {
            long at = offset;
            for (int d = 0; d < size.Length; d++)
            {
                at += index[d] * stride[d];
            }

            source.AsSpan((int)(at * elementSize), elementSize).CopyTo(target.AsSpan((int)(i * elementSize)));
            for (int d = size.Length - 1; d >= 0; d--)
            {
                if (++index[d] < size[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }
    }

    private static long[] Integers(PickleTuple tuple, PickleInstruction ins, string what) =>
        tuple.Items.Length <= TensorRecord.MaxDimensions && tuple.Items.All(i => i is long)
            ? tuple.Items.Select(i => (long)i!).ToArray()
            : throw Malformed(ins, $"a tensor's {what} is not a short tuple of ints");

    /// <summary>The persistent id torch.save writes for a storage: <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
    private PickleStorage PersistentLoad(object? pid, PickleInstruction ins)
    {
        if (pid is not PickleTuple { Items: ["storage", PickleGlobal type, string key, string, long count] }
            || !PickleAllowList.IsStorageClass(type.Module, type.Name))
        {
            throw Malformed(ins, "a persistent id is not ('storage', torch.<Type>Storage, key, location, numel)");
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

        var storage = loadStorage(dtype, key, count);
        storages[key] = storage;
        return storage;
    }

    private static void Build(object? target, object? state, PickleInstruction ins)
    {
        // torch.save keeps a state_dict's _metadata attribute (module versions) this way; it is not needed and is dropped.
        if (target is PickleDict { IsOrderedDict: true } && state is PickleDict attributes
            && attributes.Items.All(a => a.Key is "_metadata" && a.Value is PickleDict or null))
        {
            return;
        }

        throw new CheckpointDataException(
            CheckpointProblem.UnsafeContent,
            $"its pickle sets the state of a {TypeName(target)} (BUILD at offset {ins.Offset}); a state_dict only sets an OrderedDict's _metadata. Refused.");
    }

    private void SetPairs(PickleDict dict, List<object?> pairs, PickleInstruction ins)
    {
        if (pairs.Count % 2 != 0)
        {
            throw Malformed(ins, "a dict is built from an odd number of items");
        }

        for (int i = 0; i < pairs.Count; i += 2)
        {
            dict.Set(pairs[i], pairs[i + 1]);
        }
    }

    private PickleList ListOnTop(PickleInstruction ins) => Peek(ins) as PickleList ?? throw Malformed(ins, $"APPEND to a {TypeName(Peek(ins))}");

    private PickleDict DictOnTop(PickleInstruction ins) => Peek(ins) as PickleDict ?? throw Malformed(ins, $"SETITEM on a {TypeName(Peek(ins))}");

    private void Remember(long key, PickleInstruction ins)
    {
        if (memo.Count >= MaxStack && !memo.ContainsKey(key))
        {
            throw Malformed(ins, "the memo is too large");
        }

        memo[key] = Peek(ins);
    }

    private void Push(object? value)
    {
        if (stack.Count >= MaxStack)
        {
            throw CheckpointDataException.Corrupt("its pickle's stack grows beyond a million values.");
        }

        stack.Add(value);
    }

    private object? Peek(PickleInstruction ins) =>
        stack.Count > (marks.Count > 0 ? marks.Peek() : 0) ? stack[^1] : throw Malformed(ins, "the stack is empty");

    private object? Pop(PickleInstruction ins)
    {
        var value = Peek(ins);
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private List<object?> PopToMark(PickleInstruction ins)
    {
        if (marks.Count == 0)
        {
            throw Malformed(ins, "there is no MARK");
        }

        int mark = marks.Pop();
        var items = stack.GetRange(mark, stack.Count - mark);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private static CheckpointDataException Malformed(PickleInstruction ins, string problem) =>
        CheckpointDataException.Corrupt($"its pickle is malformed at offset {ins.Offset} ({PickleOpcodes.NameOf(ins.Opcode)}): {problem}.");
}
