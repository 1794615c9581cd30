using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// PyTorch's <c>torch.save</c> zip format (PyTorch ≥ 1.6): <c>archive/data.pkl</c> (the pickle), <c>archive/data/&lt;key&gt;</c>
/// (one raw little-endian storage per tensor), <c>archive/version</c>.
/// </summary>
/// <remarks>
/// <para>
/// Layout: a model alone (or with an optimizer that keeps no state, such as SGD without momentum) is written as its
/// <c>state_dict</c> (an <c>OrderedDict</c> of tensors), so <c>model.load_state_dict(torch.load(f))</c> works; with an
/// optimizer's state it is PyTorch's general-checkpoint recipe
/// <c>{"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}</c>, with the
/// optimizer part in PyTorch's own layout (<c>state</c> by parameter index, <c>param_groups</c> with <c>params</c>
/// indices), which <c>optimizer.load_state_dict</c> accepts.
/// </para>
/// <para>
/// Reading accepts a plain state_dict, or a dict with a state_dict under <c>model</c>, <c>model_state_dict</c> or
/// <c>state_dict</c> and optimizer state under <c>optimizer</c> or <c>optimizer_state_dict</c> (other entries, such
/// as <c>epoch</c>, are ignored). <see cref="PickleReader"/> unpickles it with Razorvine.Pickle after scanning it
/// against the allow-list (<see cref="PickleSafetyScanner"/>); every entry's CRC-32 is checked; sizes are checked before allocating.
/// </para>
/// <para>
/// Files written here are stored (uncompressed) zips with 64-byte aligned entries like PyTorch's, plus a zip comment
/// holding the SHA-256 of the whole file (see <see cref="StoredZipWriter"/>); PyTorch ignores the comment, this reader
/// checks it when present. Adam's and AdamW's <c>step</c> is written as a float32 0-d tensor and RMSprop's as an int,
/// as PyTorch 1.13 does; either form is read.
/// </para>
/// </remarks>
internal static class PyTorchCheckpointFile
{
    /// <summary>The largest <c>data.pkl</c> accepted.</summary>
    public const int MaxPickleBytes = 64 << 20;

    private const string Folder = "archive/";

    /// <summary>The key of the model's state_dict in a checkpoint with optimizer state (PyTorch's general-checkpoint recipe).</summary>
    public const string ModelKey = "model_state_dict";

    /// <summary>The key of the optimizer's state_dict in a checkpoint with optimizer state.</summary>
    public const string OptimizerKey = "optimizer_state_dict";

    /// <summary>Writes the content: a bare state_dict without <see cref="CheckpointContent.Optimizer"/>, else the recipe's dict.</summary>
    public static byte[] Write(CheckpointContent content)
    {
        var model = new PickleWriter.OrderedDict(content.ModelTensors.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)));
        var pickle = new PickleWriter();
        var data = pickle.Write(content.Optimizer is null
            ? model
            : new Dictionary<object, object?> { [ModelKey] = model, [OptimizerKey] = OptimizerStateDict(content.Optimizer) });
        var zip = new StoredZipWriter();
        zip.Add(Folder + "data.pkl", data);
        for (int i = 0; i < pickle.Storages.Count; i++)
        {
            zip.Add($"{Folder}data/{i}", pickle.Storages[i].Data);
        }

        zip.Add(Folder + "version", "3\n"u8);
        zip.Add(Folder + "byteorder", "little"u8);
        return zip.Finish();
    }

    /// <summary>Parses and checks a whole file.</summary>
    /// <exception cref="CheckpointDataException">The file is truncated, damaged, unsafe or not a torch.save archive.</exception>
    public static CheckpointContent Read(byte[] file)
    {
        if (Checkpoint.Guess(file, out bool legacy) != CheckpointFormat.PyTorch)
        {
            throw new CheckpointDataException(
                CheckpointProblem.NotACheckpoint,
                legacy
                    ? "it was written by torch.save's legacy (pre-1.6, non-zip) serializer, which is not supported; re-save it with PyTorch ≥ 1.6 (the default since)."
                    : "it is not a zip archive, so not a torch.save file (PyTorch ≥ 1.6).");
        }

        VerifyChecksumComment(file);
        ZipArchive archive;
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        try
        {
            archive = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read, leaveOpen: false, Encoding.UTF8);
            foreach (var entry in archive.Entries)
            {
                if (!entries.TryAdd(entry.FullName, entry))
                {
                    throw CheckpointDataException.Corrupt($"its archive holds '{entry.FullName}' twice.");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw file.AsSpan(Math.Max(0, file.Length - 65557)).IndexOf("PK\x05\x06"u8) < 0
                ? CheckpointDataException.Truncated("its zip archive has no end-of-central-directory record: the file was cut short.")
                : new CheckpointDataException(CheckpointProblem.Corrupt, $"its zip structure is damaged ({ex.Message.TrimEnd('.')}).", ex);
        }

        using var disposeArchive = archive;

        var pickles = entries.Keys.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - 9).ToList();
        if (pickles.Count != 1)
        {
            throw new CheckpointDataException(
                pickles.Count == 0 ? CheckpointProblem.NotACheckpoint : CheckpointProblem.Corrupt,
                pickles.Count == 0 ? "its zip archive has no <folder>/data.pkl, so it is not a torch.save file." : "its zip archive has more than one data.pkl.");
        }

        string prefix = pickles[0][..^"data.pkl".Length];
        if (entries.Keys.FirstOrDefault(n => !n.StartsWith(prefix, StringComparison.Ordinal)) is string stray)
        {
            throw CheckpointDataException.Corrupt($"its archive holds '{stray}' outside its folder '{prefix}'.");
        }

        var versionEntry = entries.GetValueOrDefault(prefix + "version") ?? entries.GetValueOrDefault(prefix + ".data/version")
            ?? throw CheckpointDataException.Corrupt("its archive has no version record.");
        string version = Encoding.ASCII.GetString(ReadEntry(versionEntry, 0, 16)).Trim();
        if (!int.TryParse(version, System.Globalization.CultureInfo.InvariantCulture, out int number) || number is < 1 or > 9)
        {
            throw CheckpointDataException.Corrupt($"its archive's version record says '{version}' (1 to 9 expected).");
        }

        var pickle = ReadEntry(entries[pickles[0]], 0, MaxPickleBytes);
        var root = PickleReader.Read(pickle, (dtype, key, count) =>
        {
            var entry = entries.GetValueOrDefault($"{prefix}data/{key}")
                ?? throw CheckpointDataException.Corrupt($"its pickle refers to storage '{key}', which the archive does not hold.");
            long bytes = count * dtype.Size;
            return new PickleStorage(dtype, key, ReadEntry(entry, bytes, bytes));
        });
        return Interpret(root);
    }

    /// <summary>
    /// Files written here end with an archive comment <c>TorchTutorial-SHA256:&lt;64 hex digits&gt;</c>, the SHA-256 of
    /// every byte before the digits (<see cref="StoredZipWriter"/>); when the file ends with such a comment it must match.
    /// The comment is recognised by its length and either its marker or its hex digits, so damage to either is caught. Files from
    /// PyTorch have no comment and rely on the entries' CRC-32s.
    /// </summary>
    private static void VerifyChecksumComment(byte[] file)
    {
        int digits = file.Length - 64;
        int end = file.Length - StoredZipWriter.ChecksumCommentLength - 22;
        if (end < 0 || BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(end)) != 0x06054B50
            || BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(end + 20)) != StoredZipWriter.ChecksumCommentLength
            || (!file.AsSpan(digits - StoredZipWriter.ChecksumMarker.Length, StoredZipWriter.ChecksumMarker.Length).SequenceEqual(StoredZipWriter.ChecksumMarker)
                && file.AsSpan(digits).IndexOfAnyExcept("0123456789abcdef"u8) >= 0))
        {
            return;
        }

        var actual = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(file.AsSpan(0, digits))));
        if (!file.AsSpan(digits).SequenceEqual(actual))
        {
            throw CheckpointDataException.Corrupt("its SHA-256 checksum (in the zip comment) does not match its contents: the file was damaged or altered after it was written.");
        }
    }

    /// <summary>Reads an entry whose size must be <paramref name="minimum"/> to <paramref name="maximum"/> bytes and checks its CRC-32.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long minimum, long maximum)
    {
        if (entry.Length < minimum || entry.Length > maximum)
        {
            throw CheckpointDataException.Corrupt($"its archive entry '{entry.FullName}' is {entry.Length} bytes, but {(minimum == maximum ? $"{minimum}" : $"{minimum} to {maximum}")} are expected.");
        }

        byte[] data;
        using (var stream = entry.Open())
        {
            if (entry.CompressedLength == entry.Length)
            {
                data = new byte[entry.Length];
                stream.ReadExactly(data);
            }
            else
            {
                // Compressed (PyTorch never compresses, other writers may): grow with the data actually inflated, never by the header's claim.
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while (buffer.Length <= entry.Length && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, entry.Length + 1 - buffer.Length))) > 0)
                {
                    buffer.Write(chunk, 0, read);
                }

                if (buffer.Length != entry.Length)
                {
                    throw CheckpointDataException.Corrupt($"its archive entry '{entry.FullName}' inflates to {buffer.Length} bytes, not the {entry.Length} its header says.");
                }

                data = buffer.ToArray();
            }

            if (stream.ReadByte() != -1)
            {
                throw CheckpointDataException.Corrupt($"its archive entry '{entry.FullName}' is longer than its header says.");
            }
        }

        if (System.IO.Hashing.Crc32.HashToUInt32(data) != entry.Crc32)
        {
            throw CheckpointDataException.Corrupt($"the CRC-32 of its archive entry '{entry.FullName}' does not match: the file was damaged after it was written.");
        }

        return data;
    }

    private static CheckpointContent Interpret(object? root)
    {
        if (root is not PickleDict dict)
        {
            throw new CheckpointDataException(CheckpointProblem.NotACheckpoint, $"it holds a {PickleReader.TypeName(root)}, not a state_dict (save model.state_dict(), not the model).");
        }

        PickleDict? model;
        object? optimizer = null;
        if (dict.Items.All(i => i.Value is TensorRecord) && (dict.Items.Count > 0 || dict.IsOrderedDict))
        {
            model = dict;
        }
        else
        {
            model = new[] { ModelKey, "model", "state_dict" }.Select(k => dict.TryGetValue(k, out var v) ? v as PickleDict : null).FirstOrDefault(d => d is not null);
            if (model is null)
            {
                var keys = string.Join(", ", dict.Items.Take(8).Select(i => $"'{i.Key}': {PickleReader.TypeName(i.Value)}"));
                throw new CheckpointDataException(
                    CheckpointProblem.NotACheckpoint,
                    $"it holds a dict ({keys}) that is neither a state_dict of tensors nor a checkpoint with a 'model_state_dict' (or 'model') state_dict.");
            }

            _ = dict.TryGetValue(OptimizerKey, out optimizer) || dict.TryGetValue("optimizer", out optimizer);
        }

        var content = new CheckpointContent();
        foreach (var (key, value) in model.Items)
        {
            if (key is not string name || value is not TensorRecord tensor)
            {
                throw new CheckpointDataException(
                    CheckpointProblem.NotACheckpoint,
                    $"its state_dict maps {PickleReader.TypeName(key)} '{key}' to a {PickleReader.TypeName(value)}; a state_dict maps names to tensors.");
            }

            content.ModelTensors.Add(new(name, tensor));
        }

        if (optimizer is not null)
        {
            content.Optimizer = optimizer as PickleDict is { } optimizerDict
                ? ReadOptimizer(optimizerDict)
                : throw CheckpointDataException.Corrupt($"its 'optimizer' entry is a {PickleReader.TypeName(optimizer)}, not an optimizer state_dict.");
        }

        return content;
    }

    /// <summary>PyTorch's <c>optimizer.state_dict()</c>: <c>{"state": {id: {...}}, "param_groups": [{..., "params": [ids]}]}</c>.</summary>
    private static OptimizerRecord ReadOptimizer(PickleDict dict)
    {
        if (!dict.TryGetValue("state", out var stateValue) || stateValue is not PickleDict state
            || !dict.TryGetValue("param_groups", out var groupsValue) || groupsValue is not ArrayList groups)
        {
            throw CheckpointDataException.Corrupt("its optimizer state_dict lacks a 'state' dict or a 'param_groups' list.");
        }

        var positions = new Dictionary<long, int>();
        var groupRecords = new List<OptimizerGroupRecord>();
        foreach (var groupValue in groups)
        {
            if (groupValue is not PickleDict group || !group.TryGetValue("params", out var paramsValue) || paramsValue is not ArrayList ids)
            {
                throw CheckpointDataException.Corrupt("a parameter group of its optimizer state_dict is not a dict with a 'params' list.");
            }

            var record = new OptimizerGroupRecord { ParameterCount = ids.Count };
            foreach (var id in ids)
            {
                if (PickleReader.AsLong(id) is not long number || !positions.TryAdd(number, positions.Count))
                {
                    throw CheckpointDataException.Corrupt("its optimizer state_dict lists a parameter id that is not an int, or lists one twice.");
                }
            }

            foreach (var (key, value) in group.Items)
            {
                if (key is string name && name != "params")
                {
                    record.HyperParameters[name] = Plain(value, allowTuples: true);
                }
            }

            groupRecords.Add(record);
        }

        var result = new OptimizerRecord { ParameterCount = positions.Count };
        result.Groups.AddRange(groupRecords);
        foreach (var (key, value) in state.Items)
        {
            if (key is not long id || !positions.TryGetValue(id, out int position) || value is not PickleDict entries)
            {
                throw CheckpointDataException.Corrupt($"its optimizer state_dict has state for '{key}', which is not a parameter id of its param_groups.");
            }

            var converted = new Dictionary<string, object?>();
            foreach (var (entryKey, entryValue) in entries.Items)
            {
                converted[entryKey as string ?? throw CheckpointDataException.Corrupt("its optimizer state_dict has a non-string state key.")] =
                    entryValue as TensorRecord ?? Plain(entryValue, allowTuples: false);
            }

            result.States[position] = converted;
        }

        return result;
    }

    /// <summary>Ints as long and (in a param group) a tuple of numbers as <c>double[]</c>; anything else as unpickled, for validation to judge.</summary>
    private static object? Plain(object? value, bool allowTuples) => value switch
    {
        int or long => PickleReader.AsLong(value),
        object[] tuple when allowTuples && tuple.All(i => i is int or long or double) => tuple.Select(Convert.ToDouble).ToArray(),
        _ => value,
    };

    private static Dictionary<object, object?> OptimizerStateDict(OptimizerRecord record)
    {
        var layout = record.Kind is null ? null : OptimizerLayout.FindByName(record.Kind);
        var state = new Dictionary<object, object?>();
        foreach (var (index, entries) in record.States.OrderBy(s => s.Key))
        {
            state[(long)index] = entries.ToDictionary(
                e => (object)e.Key,
                e => e.Key == "step" && e.Value is long step && layout?.StepAsTensor == true ? StepTensor(step) : ToPickle(e.Value));
        }

        var groups = new List<object?>();
        long next = 0;
        foreach (var group in record.Groups)
        {
            var dict = group.HyperParameters.ToDictionary(h => (object)h.Key, h => ToPickle(h.Value));
            int count = group.ParameterCount ?? 0;
            dict["params"] = Enumerable.Range(0, count).Select(i => (object?)(next + i)).ToList();
            next += count;
            groups.Add(dict);
        }

        return new Dictionary<object, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>A pair such as Adam's betas is a tuple in PyTorch.</summary>
    private static object? ToPickle(object? value) => value is double[] tuple ? tuple.Cast<object>().ToArray() : value;

    /// <summary>PyTorch keeps Adam's <c>step</c> as a float32 0-d tensor.</summary>
    private static TensorRecord StepTensor(long step)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, step);
        return TensorRecord.Create(TensorDType.Float32, [], bytes, "the step count");
    }
}
