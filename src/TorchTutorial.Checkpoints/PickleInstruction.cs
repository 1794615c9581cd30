using System.Buffers.Binary;
using System.Text;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// One decoded pickle instruction: its opcode, where it starts, and its inline argument (an integer, a float, a string,
/// or a module and a name). <see cref="Decode"/> reads the next one, bounds-checked.
/// </summary>
internal readonly record struct PickleInstruction(byte Opcode, int Offset, long Integer = 0, double Float = 0, string? Text = null, string? Name = null)
{
    private const int MaxGlobalPartLength = 256;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The global's dotted name, for GLOBAL and INST: <c>os.system</c>.</summary>
    public string GlobalName => $"{Text}.{Name}";

    /// <summary>Decodes the instruction at <paramref name="position"/> and moves past it.</summary>
    /// <exception cref="CheckpointDataException">The pickle ends inside the instruction, or the opcode is not supported.</exception>
    public static PickleInstruction Decode(byte[] pickle, ref int position)
    {
        int offset = position;
        byte opcode = Take(pickle, ref position, 1, offset)[0];
        switch (opcode)
        {
            case PickleOpcodes.Proto:
                byte protocol = Take(pickle, ref position, 1, offset)[0];
                return protocol is >= 2 and <= 5
                    ? new(opcode, offset, protocol)
                    : throw CheckpointDataException.Corrupt($"its pickle declares protocol {protocol} (2 to 5 are supported).");
            case PickleOpcodes.Frame:
                ulong frame = BinaryPrimitives.ReadUInt64LittleEndian(Take(pickle, ref position, 8, offset));
                return frame <= (ulong)(pickle.Length - position)
                    ? new(opcode, offset)
                    : throw CheckpointDataException.Truncated($"its pickle announces a {frame}-byte frame at offset {offset} but ends first.");
            case PickleOpcodes.BinInt:
                return new(opcode, offset, BinaryPrimitives.ReadInt32LittleEndian(Take(pickle, ref position, 4, offset)));
            case PickleOpcodes.BinInt1:
            case PickleOpcodes.BinPut:
            case PickleOpcodes.BinGet:
            case PickleOpcodes.Ext1:
                return new(opcode, offset, Take(pickle, ref position, 1, offset)[0]);
            case PickleOpcodes.BinInt2:
            case PickleOpcodes.Ext2:
                return new(opcode, offset, BinaryPrimitives.ReadUInt16LittleEndian(Take(pickle, ref position, 2, offset)));
            case PickleOpcodes.LongBinPut:
            case PickleOpcodes.LongBinGet:
            case PickleOpcodes.Ext4:
                return new(opcode, offset, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, ref position, 4, offset)));
            case PickleOpcodes.Long1:
                return new(opcode, offset, ReadLong1(pickle, ref position, offset));
            case PickleOpcodes.BinFloat:
                return new(opcode, offset, Float: BinaryPrimitives.ReadDoubleBigEndian(Take(pickle, ref position, 8, offset)));
            case PickleOpcodes.ShortBinUnicode:
                return new(opcode, offset, Text: ReadUtf8(pickle, ref position, Take(pickle, ref position, 1, offset)[0], offset));
            case PickleOpcodes.BinUnicode:
                return new(opcode, offset, Text: ReadUtf8(pickle, ref position, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, ref position, 4, offset)), offset));
            case PickleOpcodes.BinUnicode8:
                return new(opcode, offset, Text: ReadUtf8(pickle, ref position, BinaryPrimitives.ReadUInt64LittleEndian(Take(pickle, ref position, 8, offset)), offset));
            case PickleOpcodes.Global:
            case PickleOpcodes.Inst:
                string module = ReadLine(pickle, ref position, offset);
                string name = ReadLine(pickle, ref position, offset);
                return new(opcode, offset, Text: module, Name: name);
            case PickleOpcodes.PersId:
                return new(opcode, offset, Text: ReadLine(pickle, ref position, offset));
            case PickleOpcodes.Mark:
            case PickleOpcodes.Stop:
            case PickleOpcodes.Pop:
            case PickleOpcodes.PopMark:
            case PickleOpcodes.Dup:
            case PickleOpcodes.None:
            case PickleOpcodes.NewTrue:
            case PickleOpcodes.NewFalse:
            case PickleOpcodes.EmptyTuple:
            case PickleOpcodes.Tuple:
            case PickleOpcodes.Tuple1:
            case PickleOpcodes.Tuple2:
            case PickleOpcodes.Tuple3:
            case PickleOpcodes.EmptyList:
            case PickleOpcodes.List:
            case PickleOpcodes.Append:
            case PickleOpcodes.Appends:
            case PickleOpcodes.EmptyDict:
            case PickleOpcodes.Dict:
            case PickleOpcodes.SetItem:
            case PickleOpcodes.SetItems:
            case PickleOpcodes.Memoize:
            case PickleOpcodes.StackGlobal:
            case PickleOpcodes.Reduce:
            case PickleOpcodes.Build:
            case PickleOpcodes.BinPersId:
            case PickleOpcodes.Obj:
            case PickleOpcodes.NewObj:
            case PickleOpcodes.NewObjEx:
                return new(opcode, offset);
            default:
                throw CheckpointDataException.Corrupt(
                    $"its pickle has opcode {PickleOpcodes.NameOf(opcode)} at offset {offset}, which a state_dict never uses (unknown, or a type such as bytes or sets).");
        }
    }

    private static ReadOnlySpan<byte> Take(byte[] pickle, ref int position, ulong count, int offset)
    {
        if (count > (ulong)(pickle.Length - position))
        {
            throw CheckpointDataException.Truncated($"its pickle ends inside the instruction at offset {offset}.");
        }

        var span = pickle.AsSpan(position, (int)count);
        position += (int)count;
        return span;
    }

    private static long ReadLong1(byte[] pickle, ref int position, int offset)
    {
        int length = Take(pickle, ref position, 1, offset)[0];
        if (length > 8)
        {
            throw CheckpointDataException.Corrupt($"its pickle has a {length}-byte integer at offset {offset}; at most 64 bits are supported.");
        }

        var bytes = Take(pickle, ref position, (ulong)length, offset);
        long value = 0;
        for (int i = length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0)
        {
            value -= 1L << (8 * length);
        }

        return value;
    }

    private static string ReadUtf8(byte[] pickle, ref int position, ulong length, int offset)
    {
        var bytes = Take(pickle, ref position, length, offset);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw CheckpointDataException.Corrupt($"its pickle has a string that is not valid UTF-8 at offset {offset}.");
        }
    }

    private static string ReadLine(byte[] pickle, ref int position, int offset)
    {
        int available = Math.Min(pickle.Length - position, MaxGlobalPartLength + 1);
        int newline = pickle.AsSpan(position, available).IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw available > MaxGlobalPartLength
                ? CheckpointDataException.Corrupt($"its pickle has an over-long module or class name at offset {offset}.")
                : CheckpointDataException.Truncated($"its pickle ends inside the instruction at offset {offset}.");
        }

        var line = pickle.AsSpan(position, newline);
        position += newline + 1;
        foreach (byte b in line)
        {
            if (b is < 0x20 or >= 0x7F)
            {
                throw CheckpointDataException.Corrupt($"its pickle has a module or class name with non-printable bytes at offset {offset}.");
            }
        }

        return Encoding.ASCII.GetString(line);
    }
}
