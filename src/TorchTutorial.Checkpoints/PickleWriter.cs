using System.Buffers.Binary;
using System.Text;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Writes a protocol-2 pickle the way <c>torch.save</c> does: dicts, lists, tuples, numbers, strings and tensors, each
/// tensor as <c>torch._utils._rebuild_tensor_v2</c> over a persistent-id storage whose bytes go to the archive's
/// <c>data/</c> folder. Only what a state_dict and an optimizer state_dict need.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream output = new();
    private readonly List<TensorRecord> storages = [];

    /// <summary>Starts the pickle (PROTO 2).</summary>
    public PickleWriter()
    {
        output.WriteByte(PickleOpcodes.Proto);
        output.WriteByte(2);
    }

    /// <summary>The tensors written so far; storage key <c>i</c> is element <c>i</c>.</summary>
    public IReadOnlyList<TensorRecord> Storages => storages;

    /// <summary>Ends the pickle (STOP) and returns its bytes.</summary>
    public byte[] Finish()
    {
        output.WriteByte(PickleOpcodes.Stop);
        return output.ToArray();
    }

    /// <summary>
    /// Writes a value: null, bool, long, int, double, string, <see cref="TensorRecord"/>, <c>double[]</c> (a tuple),
    /// <c>long[]</c> or <see cref="PickleList"/> (a list), or <see cref="PickleDict"/> (a dict or OrderedDict).
    /// </summary>
    public void Value(object? value)
    {
        switch (value)
        {
            case null:
                output.WriteByte(PickleOpcodes.None);
                break;
            case bool b:
                output.WriteByte(b ? PickleOpcodes.NewTrue : PickleOpcodes.NewFalse);
                break;
            case int i:
                Integer(i);
                break;
            case long l:
                Integer(l);
                break;
            case double d:
                output.WriteByte(PickleOpcodes.BinFloat);
                Span<byte> bytes = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(bytes, d);
                output.Write(bytes);
                break;
            case string s:
                String(s);
                break;
            case TensorRecord tensor:
                Tensor(tensor);
                break;
            case double[] tuple:
                Tuple(tuple.Cast<object?>().ToArray());
                break;
            case long[] list:
                output.WriteByte(PickleOpcodes.EmptyList);
                if (list.Length > 0)
                {
                    output.WriteByte(PickleOpcodes.Mark);
                    foreach (long item in list)
                    {
                        Integer(item);
                    }

                    output.WriteByte(PickleOpcodes.Appends);
                }

                break;
            case PickleDict dict:
                Dict(dict.Items, dict.IsOrderedDict);
                break;
            case PickleList items:
                output.WriteByte(PickleOpcodes.EmptyList);
                if (items.Items.Count > 0)
                {
                    output.WriteByte(PickleOpcodes.Mark);
                    foreach (var item in items.Items)
                    {
                        Value(item);
                    }

                    output.WriteByte(PickleOpcodes.Appends);
                }

                break;
            default:
                throw new ArgumentException($"Cannot pickle a {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary>Writes a dict, or a <c>collections.OrderedDict</c> (as a state_dict is).</summary>
    public void Dict(IReadOnlyList<KeyValuePair<object, object?>> items, bool ordered)
    {
        if (ordered)
        {
            Global("collections", "OrderedDict");
            output.WriteByte(PickleOpcodes.EmptyTuple);
            output.WriteByte(PickleOpcodes.Reduce);
        }
        else
        {
            output.WriteByte(PickleOpcodes.EmptyDict);
        }

        if (items.Count == 0)
        {
            return;
        }

        output.WriteByte(PickleOpcodes.Mark);
        foreach (var (key, item) in items)
        {
            Value(key);
            Value(item);
        }

        output.WriteByte(PickleOpcodes.SetItems);
    }

    /// <summary><c>_rebuild_tensor_v2(('storage', torch.XStorage, key, 'cpu', numel), 0, size, stride, False, OrderedDict())</c>.</summary>
    private void Tensor(TensorRecord tensor)
    {
        string key = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        storages.Add(tensor);
        var stride = new long[tensor.Shape.Length];
        long step = 1;
        for (int d = stride.Length - 1; d >= 0; d--)
        {
            stride[d] = step;
            step *= tensor.Shape[d];
        }

        Global("torch._utils", "_rebuild_tensor_v2");
        output.WriteByte(PickleOpcodes.Mark);
        output.WriteByte(PickleOpcodes.Mark);
        String("storage");
        Global("torch", tensor.DType.StorageName);
        String(key);
        String("cpu");
        Integer(tensor.Data.LongLength / tensor.DType.Size);
        output.WriteByte(PickleOpcodes.Tuple);
        output.WriteByte(PickleOpcodes.BinPersId);
        Integer(0);
        Tuple(tensor.Shape.Cast<object?>().ToArray());
        Tuple(stride.Cast<object?>().ToArray());
        output.WriteByte(PickleOpcodes.NewFalse);
        Global("collections", "OrderedDict");
        output.WriteByte(PickleOpcodes.EmptyTuple);
        output.WriteByte(PickleOpcodes.Reduce);
        output.WriteByte(PickleOpcodes.Tuple);
        output.WriteByte(PickleOpcodes.Reduce);
    }

    private void Tuple(object?[] items)
    {
        switch (items.Length)
        {
            case 0:
                output.WriteByte(PickleOpcodes.EmptyTuple);
                return;
            case <= 3:
                foreach (var item in items)
                {
                    Value(item);
                }

                output.WriteByte((byte)(PickleOpcodes.Tuple1 + items.Length - 1));
                return;
            default:
                output.WriteByte(PickleOpcodes.Mark);
                foreach (var item in items)
                {
                    Value(item);
                }

                output.WriteByte(PickleOpcodes.Tuple);
                return;
        }
    }

    private void Global(string module, string name)
    {
        output.WriteByte(PickleOpcodes.Global);
        output.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    private void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        output.WriteByte(PickleOpcodes.BinUnicode);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes.Length);
        output.Write(length);
        output.Write(bytes);
    }

    private void Integer(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (value is >= 0 and <= 0xFF)
        {
            output.WriteByte(PickleOpcodes.BinInt1);
            output.WriteByte((byte)value);
        }
        else if (value is >= 0 and <= 0xFFFF)
        {
            output.WriteByte(PickleOpcodes.BinInt2);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
            output.Write(bytes[..2]);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            output.WriteByte(PickleOpcodes.BinInt);
            BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
            output.Write(bytes[..4]);
        }
        else
        {
            output.WriteByte(PickleOpcodes.Long1);
            output.WriteByte(8);
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            output.Write(bytes);
        }
    }
}
