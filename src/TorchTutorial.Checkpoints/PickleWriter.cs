using Razorvine.Pickle;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Writes a protocol-2 pickle with Razorvine.Pickle the way <c>torch.save</c> does: each <see cref="TensorRecord"/> as
/// <c>torch._utils._rebuild_tensor_v2</c> over a persistent-id storage whose bytes go to the archive's <c>data/</c>
/// folder. Values: null, bool, int, long, double, string, <c>object[]</c> (a tuple), <c>List&lt;object?&gt;</c> (a
/// list), <c>Dictionary&lt;object, object?&gt;</c> (a dict, in insertion order), <see cref="OrderedDict"/> and tensors.
/// </summary>
/// <remarks>
/// Razorvine emits a GLOBAL only through a deconstructor or pickler registered for a .NET type in a process-wide table; the types
/// registered here (a deconstructor for <see cref="TensorRecord"/>, picklers for <see cref="OrderedDict"/> and <see cref="StorageClass"/>) belong to this
/// library, so the entries change how nothing else is pickled. Storages are this writer's own, through
/// <see cref="persistentId"/>.
/// </remarks>
internal sealed class PickleWriter : Pickler
{
    private readonly List<TensorRecord> storages = [];

    static PickleWriter()
    {
        var emptyHooks = new OrderedDict([]);
        registerCustomPickler(typeof(OrderedDict), new OrderedDictPickler());
        registerCustomPickler(typeof(StorageClass), new StorageClassPickler());
        registerCustomDeconstructor(typeof(TensorRecord), new Global("torch._utils", "_rebuild_tensor_v2", t =>
        {
            var tensor = (TensorRecord)t;
            var stride = new object[tensor.Shape.Length];
            long step = 1;
            for (int d = stride.Length - 1; d >= 0; d--)
            {
                stride[d] = step;
                step *= tensor.Shape[d];
            }

            return [new Storage(tensor), 0, tensor.Shape.Cast<object>().ToArray(), stride, false, emptyHooks];
        }));
    }

    /// <summary>A writer without a memo: nothing written here is shared or recursive.</summary>
    public PickleWriter()
        : base(useMemo: false)
    {
    }

    /// <summary>The tensors written so far; storage key <c>i</c> is element <c>i</c>.</summary>
    public IReadOnlyList<TensorRecord> Storages => storages;

    /// <summary>Pickles <paramref name="value"/>.</summary>
    public byte[] Write(object? value) => dumps(value);

    /// <summary>A tensor's storage becomes torch.save's persistent id <c>('storage', torch.XStorage, key, 'cpu', numel)</c>.</summary>
    protected override bool persistentId(object pid, out object? newpid)
    {
        if (pid is not Storage { Tensor: var tensor })
        {
            newpid = null;
            return false;
        }

        newpid = new object[] { "storage", new StorageClass(tensor.DType.StorageName), storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "cpu", tensor.Data.LongLength / tensor.DType.Size };
        storages.Add(tensor);
        return true;
    }

    /// <summary>A <c>collections.OrderedDict</c>, pickled as torch.save does: <c>OrderedDict()</c>, then its items.</summary>
    public sealed class OrderedDict(IEnumerable<KeyValuePair<string, object?>> items)
    {
        /// <summary>The entries in order.</summary>
        public List<KeyValuePair<string, object?>> Items { get; } = items.ToList();
    }

    /// <summary>A storage class such as <c>torch.FloatStorage</c>, pickled as the bare global.</summary>
    private sealed record StorageClass(string Name);

    /// <summary>A tensor's storage, pickled through <see cref="persistentId"/>.</summary>
    private sealed record Storage(TensorRecord Tensor);

    /// <summary>A call <c>module.name(*arguments)</c>.</summary>
    private sealed class Global(string module, string name, Func<object, object[]> arguments) : IObjectDeconstructor
    {
        public string get_module() => module;

        public string get_name() => name;

        public object[] deconstruct(object obj) => arguments(obj);
    }

    /// <summary>GLOBAL, EMPTY_TUPLE, REDUCE, then MARK, the items and SETITEMS (a deconstructor cannot follow its call with items).</summary>
    private sealed class OrderedDictPickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler)
        {
            var items = ((OrderedDict)o).Items;
            outs.Write("ccollections\nOrderedDict\n)R"u8);
            if (items.Count > 0)
            {
                outs.WriteByte((byte)'(');
                foreach (var (key, value) in items)
                {
                    currentPickler.save(key);
                    currentPickler.save(value);
                }

                outs.WriteByte((byte)'u');
            }
        }
    }

    /// <summary>The GLOBAL opcode naming a storage class (a deconstructor names one global per .NET type).</summary>
    private sealed class StorageClassPickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler) =>
            outs.Write(System.Text.Encoding.ASCII.GetBytes($"ctorch\n{((StorageClass)o).Name}\n"));
    }
}
