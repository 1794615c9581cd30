namespace TorchTutorial.Checkpoints;

/// <summary>
/// Walks a pickle's opcode stream before anything unpickles it and refuses what could run code: every GLOBAL and
/// STACK_GLOBAL must name an allowed global (<see cref="PickleAllowList"/>), and INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1/2/4
/// and PERSID, which a state_dict never uses, are refused outright. The stream must end with STOP as its last byte.
/// </summary>
/// <remarks>
/// STACK_GLOBAL takes its module and name from the stack; it is accepted only when the two values it takes were pushed
/// as string literals (or memo copies of them) by the instructions right before it, so the names checked here are the
/// names it would use. This is the one place the allow-list is enforced: <see cref="PickleReader.Read"/> runs it over
/// the whole pickle before it builds a single value, so no object from a refused file is ever made.
/// </remarks>
internal static class PickleSafetyScanner
{
    /// <summary>Scans the whole pickle.</summary>
    /// <exception cref="CheckpointDataException">A refused global or opcode (<see cref="CheckpointProblem.UnsafeContent"/>), or a malformed stream.</exception>
    public static void Scan(byte[] pickle)
    {
        int position = 0;
        var memo = new Dictionary<long, string?>();
        string? previous = null;
        string? last = null;
        while (true)
        {
            var instruction = PickleInstruction.Decode(pickle, ref position);
            switch (instruction.Opcode)
            {
                case PickleOpcodes.Global:
                    if (!PickleAllowList.IsAllowed(instruction.Text!, instruction.Name!))
                    {
                        throw PickleAllowList.Refuse(instruction.Text!, instruction.Name!, "GLOBAL", instruction.Offset);
                    }

                    Push(null);
                    break;
                case PickleOpcodes.StackGlobal:
                    if (previous is null || last is null)
                    {
                        throw new CheckpointDataException(
                            CheckpointProblem.UnsafeContent,
                            $"its pickle has a STACK_GLOBAL at offset {instruction.Offset} whose module and name are not plain strings; refused before unpickling.");
                    }

                    if (!PickleAllowList.IsAllowed(previous, last))
                    {
                        throw PickleAllowList.Refuse(previous, last, "STACK_GLOBAL", instruction.Offset);
                    }

                    previous = null;
                    last = null;
                    break;
                case PickleOpcodes.Inst:
                    throw PickleAllowList.Refuse(instruction.Text!, instruction.Name!, "INST", instruction.Offset);
                case PickleOpcodes.Obj:
                case PickleOpcodes.NewObj:
                case PickleOpcodes.NewObjEx:
                case PickleOpcodes.Ext1:
                case PickleOpcodes.Ext2:
                case PickleOpcodes.Ext4:
                case PickleOpcodes.PersId:
                    throw new CheckpointDataException(
                        CheckpointProblem.UnsafeContent,
                        $"its pickle uses {PickleOpcodes.NameOf(instruction.Opcode)} at offset {instruction.Offset}, which can build arbitrary objects and " +
                        "which a state_dict never uses; refused before unpickling, nothing from the file was run.");
                case PickleOpcodes.ShortBinUnicode:
                case PickleOpcodes.BinUnicode:
                case PickleOpcodes.BinUnicode8:
                    Push(instruction.Text);
                    break;
                case PickleOpcodes.BinPut:
                case PickleOpcodes.LongBinPut:
                    memo[instruction.Integer] = last;
                    break;
                case PickleOpcodes.Memoize:
                    memo[memo.Count] = last;
                    break;
                case PickleOpcodes.BinGet:
                case PickleOpcodes.LongBinGet:
                    Push(memo.GetValueOrDefault(instruction.Integer));
                    break;
                case PickleOpcodes.Proto:
                case PickleOpcodes.Frame:
                    break;
                case PickleOpcodes.Stop:
                    if (position != pickle.Length)
                    {
                        throw CheckpointDataException.Corrupt($"its pickle has {pickle.Length - position} bytes after STOP.");
                    }

                    return;
                default:
                    Push(null);
                    break;
            }
        }

        void Push(string? value)
        {
            previous = last;
            last = value;
        }
    }
}
