namespace TorchTutorial.Checkpoints;

/// <summary>
/// The only globals a PyTorch <c>state_dict</c> file (and an optimizer's) needs, checked against files written by
/// PyTorch 1.13: the <c>OrderedDict</c> class, the functions that rebuild tensors and parameters, and the storage
/// classes that name a tensor's element type. A pickle naming anything else is refused before it is unpickled.
/// </summary>
internal static class PickleAllowList
{
    /// <summary><c>collections.OrderedDict</c>: a state_dict is one.</summary>
    public const string OrderedDict = "collections.OrderedDict";

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: rebuilds a tensor from its storage, offset, size and stride.</summary>
    public const string RebuildTensor = "torch._utils._rebuild_tensor_v2";

    /// <summary><c>torch._utils._rebuild_parameter</c>: wraps a tensor as a Parameter (<c>state_dict(keep_vars=True)</c>).</summary>
    public const string RebuildParameter = "torch._utils._rebuild_parameter";

    private static readonly string[] Callables = [OrderedDict, RebuildTensor, RebuildParameter];

    /// <summary>The allowed globals, for messages.</summary>
    public static string Description => $"{string.Join(", ", Callables)} and torch.*Storage ({TensorDType.SupportedNames})";

    /// <summary>True for an allowed callable.</summary>
    public static bool IsCallable(string module, string name) => Callables.Contains($"{module}.{name}");

    /// <summary>True for a storage class: <c>torch.FloatStorage</c> and its siblings.</summary>
    public static bool IsStorageClass(string module, string name) => module == "torch" && TensorDType.FromStorageName(name) is not null;

    /// <summary>True when a pickle may name this global.</summary>
    public static bool IsAllowed(string module, string name) => IsCallable(module, name) || IsStorageClass(module, name);

    /// <summary>The error for a global that is not allowed.</summary>
    public static CheckpointDataException Refuse(string module, string name, string opcode, int offset) =>
        new(
            CheckpointProblem.UnsafeContent,
            $"its pickle references the global '{module}.{name}' ({opcode} at offset {offset}), which is not on the allow-list for a state_dict " +
            $"({Description}). It was refused before unpickling; nothing from the file was run. Only load files from sources you trust, " +
            "and re-save it with torch.save(model.state_dict(), f).");
}
