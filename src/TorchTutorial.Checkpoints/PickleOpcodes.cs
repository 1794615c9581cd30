namespace TorchTutorial.Checkpoints;

/// <summary>The pickle opcodes this project decodes (protocols 2 to 5), by their byte values.</summary>
internal static class PickleOpcodes
{
    public const byte Mark = (byte)'(';
    public const byte Stop = (byte)'.';
    public const byte Pop = (byte)'0';
    public const byte PopMark = (byte)'1';
    public const byte Dup = (byte)'2';
    public const byte None = (byte)'N';
    public const byte NewTrue = 0x88;
    public const byte NewFalse = 0x89;
    public const byte BinInt = (byte)'J';
    public const byte BinInt1 = (byte)'K';
    public const byte BinInt2 = (byte)'M';
    public const byte Long1 = 0x8A;
    public const byte BinFloat = (byte)'G';
    public const byte BinUnicode = (byte)'X';
    public const byte ShortBinUnicode = 0x8C;
    public const byte BinUnicode8 = 0x8D;
    public const byte EmptyTuple = (byte)')';
    public const byte Tuple = (byte)'t';
    public const byte Tuple1 = 0x85;
    public const byte Tuple2 = 0x86;
    public const byte Tuple3 = 0x87;
    public const byte EmptyList = (byte)']';
    public const byte List = (byte)'l';
    public const byte Append = (byte)'a';
    public const byte Appends = (byte)'e';
    public const byte EmptyDict = (byte)'}';
    public const byte Dict = (byte)'d';
    public const byte SetItem = (byte)'s';
    public const byte SetItems = (byte)'u';
    public const byte BinPut = (byte)'q';
    public const byte LongBinPut = (byte)'r';
    public const byte Memoize = 0x94;
    public const byte BinGet = (byte)'h';
    public const byte LongBinGet = (byte)'j';
    public const byte Global = (byte)'c';
    public const byte StackGlobal = 0x93;
    public const byte Reduce = (byte)'R';
    public const byte Build = (byte)'b';
    public const byte BinPersId = (byte)'Q';
    public const byte Proto = 0x80;
    public const byte Frame = 0x95;

    // Decoded only to be refused by name: each can call or construct arbitrary objects.
    public const byte Inst = (byte)'i';
    public const byte Obj = (byte)'o';
    public const byte NewObj = 0x81;
    public const byte NewObjEx = 0x92;
    public const byte Ext1 = 0x82;
    public const byte Ext2 = 0x83;
    public const byte Ext4 = 0x84;
    public const byte PersId = (byte)'P';

    /// <summary>A readable name for an opcode, for messages.</summary>
    public static string NameOf(byte opcode) => opcode switch
    {
        Inst => "INST",
        Obj => "OBJ",
        NewObj => "NEWOBJ",
        NewObjEx => "NEWOBJ_EX",
        Ext1 => "EXT1",
        Ext2 => "EXT2",
        Ext4 => "EXT4",
        PersId => "PERSID",
        Global => "GLOBAL",
        StackGlobal => "STACK_GLOBAL",
        Reduce => "REDUCE",
        Build => "BUILD",
        _ => opcode is >= 0x20 and < 0x7F ? $"'{(char)opcode}' (0x{opcode:X2})" : $"0x{opcode:X2}",
    };
}
