using System.Buffers.Binary;
using System.Text;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Walks a pickle's opcode stream before Razorvine.Pickle unpickles it, refuses what a state_dict never holds, and
/// rewrites the few opcodes that Razorvine would resolve through process-wide tables so that they reach
/// <see cref="PickleReader"/> instead.
/// </summary>
/// <remarks>
/// <para>
/// Refused: every GLOBAL and STACK_GLOBAL naming a global outside the allow-list (by name, before anything is
/// unpickled), INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1/2/4 and PERSID, and every opcode a state_dict never uses (bytes,
/// sets, protocol-0 text, out-of-band buffers). The stream must end with STOP as its last byte. STACK_GLOBAL is
/// accepted only when the two values it takes were pushed as string literals (or memo copies of them) by the
/// instructions right before it, so the names checked here are the names it would use.
/// </para>
/// <para>
/// Rewritten: Razorvine looks GLOBAL names up in <c>Unpickler.registerConstructor</c>'s static registry, which other
/// libraries (TorchSharp.PyBridge) fill with their own torch constructors; so each allowed GLOBAL (and STACK_GLOBAL,
/// after popping its two strings) becomes NEXT_BUFFER, which Razorvine hands to the reader's own
/// <c>nextBuffer()</c>, in stream order. EMPTY_DICT becomes NEXT_BUFFER too, so dicts keep Python's insertion order,
/// BUILD becomes TUPLE2 + BINPERSID, so the reader checks it instead of Razorvine invoking a <c>__setstate__</c>
/// method by reflection, and SETITEMS becomes LIST + NONE + TUPLE3 + BINPERSID, so the reader sets the items in their
/// order (Razorvine 1.5.0 sets them last to first: reversed order, and the first of a repeated key wins). The file's own NEXT_BUFFER is refused, so it cannot forge these.
/// </para>
/// </remarks>
internal static class PickleSafetyScanner
{
    /// <summary><c>collections.OrderedDict</c>: a state_dict is one.</summary>
    public const string OrderedDict = "collections.OrderedDict";

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: rebuilds a tensor from its storage, offset, size and stride.</summary>
    public const string RebuildTensor = "torch._utils._rebuild_tensor_v2";

    /// <summary><c>torch._utils._rebuild_parameter</c>: wraps a tensor as a Parameter (<c>state_dict(keep_vars=True)</c>).</summary>
    public const string RebuildParameter = "torch._utils._rebuild_parameter";

    /// <summary>The allowed globals besides the storage classes, which may be called.</summary>
    public static readonly string[] Callables = [OrderedDict, RebuildTensor, RebuildParameter];

    private const byte NextBuffer = 0x97;
    private const int MaxNameLength = 256;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True for an allowed global: a callable above, or a storage class (<c>torch.FloatStorage</c> and its siblings).</summary>
    public static bool IsAllowed(string module, string name) =>
        Callables.Contains($"{module}.{name}") || (module == "torch" && TensorDType.FromStorageName(name) is not null);

    /// <summary>Scans the whole pickle and returns it rewritten for <see cref="PickleReader"/>.</summary>
    /// <returns>The rewritten pickle, and what each of its NEXT_BUFFERs stands for in order: a global's dotted name, or null for a new dict.</returns>
    /// <exception cref="CheckpointDataException">A refused global or opcode (<see cref="CheckpointProblem.UnsafeContent"/>), or a malformed stream.</exception>
    public static (byte[] Pickle, List<string?> Buffers) Scan(byte[] pickle)
    {
        var output = new MemoryStream(pickle.Length + 64);
        var buffers = new List<string?>();
        var memo = new Dictionary<long, string?>();
        string? previous = null;
        string? last = null;
        int position = 0;
        while (true)
        {
            int offset = position;
            byte opcode = Take(1)[0];
            switch (opcode)
            {
                case (byte)'c':
                    string module = Line();
                    string name = Line();
                    if (!IsAllowed(module, name))
                    {
                        throw Refuse(module, name, "GLOBAL", offset);
                    }

                    buffers.Add($"{module}.{name}");
                    output.WriteByte(NextBuffer);
                    Push(null);
                    continue;
                case 0x93: // STACK_GLOBAL
                    if (previous is null || last is null)
                    {
                        throw new CheckpointDataException(
                            CheckpointProblem.UnsafeContent,
                            $"its pickle has a STACK_GLOBAL at offset {offset} whose module and name are not plain strings; refused before unpickling.");
                    }

                    if (!IsAllowed(previous, last))
                    {
                        throw Refuse(previous, last, "STACK_GLOBAL", offset);
                    }

                    buffers.Add($"{previous}.{last}");
                    output.Write([(byte)'0', (byte)'0', NextBuffer]);
                    previous = last = null;
                    continue;
                case (byte)'}':
                    buffers.Add(null);
                    output.WriteByte(NextBuffer);
                    Push(null);
                    continue;
                case (byte)'b':
                    output.Write([0x86, (byte)'Q']);
                    Push(null);
                    continue;
                case (byte)'u':
                    output.Write([(byte)'l', (byte)'N', 0x87, (byte)'Q']);
                    Push(null);
                    continue;
                case (byte)'i':
                    throw Refuse(Line(), Line(), "INST", offset);
                case (byte)'o' or 0x81 or 0x92 or 0x82 or 0x83 or 0x84 or (byte)'P':
                    throw new CheckpointDataException(
                        CheckpointProblem.UnsafeContent,
                        $"its pickle uses {NameOf(opcode)} at offset {offset}, which can build arbitrary objects and " +
                        "which a state_dict never uses; refused before unpickling, nothing from the file was run.");
                case 0x80: // PROTO
                    byte protocol = Take(1)[0];
                    if (protocol is < 2 or > 5)
                    {
                        throw CheckpointDataException.Corrupt($"its pickle declares protocol {protocol} (2 to 5 are supported).");
                    }

                    break;
                case 0x95: // FRAME
                    if (BinaryPrimitives.ReadUInt64LittleEndian(Take(8)) > (ulong)(pickle.Length - position))
                    {
                        throw CheckpointDataException.Truncated($"its pickle announces a frame at offset {offset} but ends first.");
                    }

                    break;
                case 0x8C or (byte)'X' or 0x8D: // SHORT_BINUNICODE, BINUNICODE, BINUNICODE8
                    var lengthBytes = Take(opcode == 0x8C ? 1UL : opcode == (byte)'X' ? 4UL : 8UL);
                    ulong length = opcode == 0x8C ? lengthBytes[0] : opcode == (byte)'X' ? BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
                    string text;
                    try
                    {
                        text = StrictUtf8.GetString(Take(length));
                    }
                    catch (DecoderFallbackException)
                    {
                        throw CheckpointDataException.Corrupt($"its pickle has a string that is not valid UTF-8 at offset {offset}.");
                    }

                    Push(text);
                    break;
                case (byte)'q' or (byte)'r': // BINPUT, LONG_BINPUT
                    memo[opcode == (byte)'q' ? Take(1)[0] : BinaryPrimitives.ReadInt32LittleEndian(Take(4))] = last;
                    break;
                case 0x94: // MEMOIZE
                    memo[memo.Count] = last;
                    break;
                case (byte)'h' or (byte)'j': // BINGET, LONG_BINGET
                    Push(memo.GetValueOrDefault(opcode == (byte)'h' ? Take(1)[0] : BinaryPrimitives.ReadInt32LittleEndian(Take(4))));
                    break;
                case (byte)'K' or (byte)'M' or (byte)'J' or (byte)'G': // BININT1, BININT2, BININT, BINFLOAT
                    Take(opcode switch { (byte)'K' => 1UL, (byte)'M' => 2UL, (byte)'J' => 4UL, _ => 8UL });
                    Push(null);
                    break;
                case 0x8A: // LONG1
                    int size = Take(1)[0];
                    if (size > 8)
                    {
                        throw CheckpointDataException.Corrupt($"its pickle has a {size}-byte integer at offset {offset}; at most 64 bits are supported.");
                    }

                    Take((ulong)size);
                    Push(null);
                    break;
                case (byte)'I': // INT, which Razorvine's pickler writes for ints beyond 32 bits
                    if (!long.TryParse(Line(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        throw CheckpointDataException.Corrupt($"its pickle has an INT at offset {offset} that is not a 64-bit integer.");
                    }

                    Push(null);
                    break;
                case (byte)'.':
                    if (position != pickle.Length)
                    {
                        throw CheckpointDataException.Corrupt($"its pickle has {pickle.Length - position} bytes after STOP.");
                    }

                    output.WriteByte(opcode);
                    return (output.ToArray(), buffers);
                case (byte)'(' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or 0x88 or 0x89 or (byte)')' or (byte)'t' or 0x85 or 0x86 or 0x87
                    or (byte)']' or (byte)'l' or (byte)'a' or (byte)'e' or (byte)'d' or (byte)'s' or (byte)'R' or (byte)'Q':
                    Push(null);
                    break;
                default:
                    throw CheckpointDataException.Corrupt(
                        $"its pickle has opcode {NameOf(opcode)} at offset {offset}, which a state_dict never uses (unknown, or a type such as bytes or sets).");
            }

            output.Write(pickle, offset, position - offset);
        }

        ReadOnlySpan<byte> Take(ulong count)
        {
            if (count > (ulong)(pickle.Length - position))
            {
                throw CheckpointDataException.Truncated($"its pickle ends inside the instruction at byte {position}.");
            }

            var span = pickle.AsSpan(position, (int)count);
            position += (int)count;
            return span;
        }

        string Line()
        {
            int available = Math.Min(pickle.Length - position, MaxNameLength + 1);
            int newline = pickle.AsSpan(position, available).IndexOf((byte)'\n');
            if (newline < 0)
            {
                throw available > MaxNameLength
                    ? CheckpointDataException.Corrupt($"its pickle has an over-long name or number at byte {position}.")
                    : CheckpointDataException.Truncated($"its pickle ends inside the instruction at byte {position}.");
            }

            var line = Take((ulong)newline + 1)[..^1];
            if (line.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
            {
                throw CheckpointDataException.Corrupt($"its pickle has a name with non-printable bytes before byte {position}.");
            }

            return Encoding.ASCII.GetString(line);
        }

        void Push(string? value)
        {
            previous = last;
            last = value;
        }
    }

    /// <summary>A readable name for an opcode, for messages.</summary>
    private static string NameOf(byte opcode) => opcode switch
    {
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        0x82 => "EXT1",
        0x83 => "EXT2",
        0x84 => "EXT4",
        (byte)'P' => "PERSID",
        _ => opcode is >= 0x20 and < 0x7F ? $"'{(char)opcode}' (0x{opcode:X2})" : $"0x{opcode:X2}",
    };

    private static CheckpointDataException Refuse(string module, string name, string opcode, int offset) =>
        new(
            CheckpointProblem.UnsafeContent,
            $"its pickle references the global '{module}.{name}' ({opcode} at offset {offset}), which is not on the allow-list for a state_dict " +
            $"({string.Join(", ", Callables)} and torch.*Storage ({TensorDType.SupportedNames})). It was refused before unpickling; nothing from the " +
            "file was run. Only load files from sources you trust, and re-save it with torch.save(model.state_dict(), f).");
}
