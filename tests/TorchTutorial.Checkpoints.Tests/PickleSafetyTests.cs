using System.IO.Compression;
using System.Text;
using TorchTutorial.Checkpoints;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// Loading a .pt file never runs code from it: pickles that name globals outside the allow-list are refused by the
/// opcode scan before any unpickler reads them, with a message naming the global.
/// </summary>
public sealed class PickleSafetyTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder()
    {
        folder = NewTemporaryFolder();
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [TestCase("evil_posix_system.pt", "posix.system")]
    [TestCase("evil_builtins_eval_protocol4.pt", "builtins.eval")]
    public void MaliciousFilesMadeByTorchSave_AreRefused_NamingTheGlobal(string fixture, string global)
    {
        string path = Path.Combine(FixtureFolder, fixture);
        using var model = TorchSharp.torch.nn.Linear(2, 1);
        var before = Snapshot(model);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain($"'{global}'").And.Contain("nothing from the file was run").And.Contain(path));
            Assert.That(SameState(Snapshot(model), before), Is.True);
        });
    }

    /// <summary>Hand-made pickles: GLOBAL, STACK_GLOBAL (protocol 4) and INST, each calling a dangerous global.</summary>
    public static IEnumerable<TestCaseData> CraftedPickles()
    {
        yield return new TestCaseData(Pickle(0x80, 2, Global("os", "system"), Unicode("echo pwned"), 0x85, (byte)'R', (byte)'.'), "os.system", "GLOBAL")
            .SetName("GLOBAL os.system");
        yield return new TestCaseData(
            Pickle(0x80, 4, 0x95, Frame(27), ShortUnicode("builtins"), 0x94, ShortUnicode("eval"), 0x94, 0x93, ShortUnicode("1+1"), 0x85, (byte)'R', (byte)'.'),
            "builtins.eval", "STACK_GLOBAL").SetName("STACK_GLOBAL builtins.eval");
        yield return new TestCaseData(
            Pickle(0x80, 2, (byte)'(', Unicode("touch /tmp/pwned"), (byte)'i', Encoding.ASCII.GetBytes("subprocess\nPopen\n"), (byte)'.'),
            "subprocess.Popen", "INST").SetName("INST subprocess.Popen");
        yield return new TestCaseData(Pickle(0x80, 2, Global("subprocess", "Popen"), Unicode("ls"), 0x85, (byte)'R', (byte)'.'), "subprocess.Popen", "GLOBAL")
            .SetName("GLOBAL subprocess.Popen");
        yield return new TestCaseData(Pickle(0x80, 2, Global("posix", "system"), Unicode("ls"), 0x85, (byte)'R', (byte)'.'), "posix.system", "GLOBAL")
            .SetName("GLOBAL posix.system");
        yield return new TestCaseData(Pickle(0x80, 2, Global("torch", "load"), Unicode("other.pt"), 0x85, (byte)'R', (byte)'.'), "torch.load", "GLOBAL")
            .SetName("GLOBAL torch.load (a torch function that is not a state_dict's)");
        yield return new TestCaseData(Pickle(0x80, 2, Global("builtins", "getattr"), (byte)'.'), "builtins.getattr", "GLOBAL")
            .SetName("GLOBAL builtins.getattr");
    }

    [TestCaseSource(nameof(CraftedPickles))]
    public void CraftedPickles_AreRefused_NamingTheGlobal(byte[] pickle, string global, string opcode)
    {
        string path = WriteArchive(pickle);
        using var model = TwoLayerNet(1);
        var before = Snapshot(model);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain($"'{global}' ({opcode}"));
            Assert.That(SameState(Snapshot(model), before), Is.True);
        });
    }

    [Test]
    public void TheScan_RunsBeforeUnpickling()
    {
        // The stack is empty when POP runs, so an unpickler would fail there; the scan refuses the global first.
        var pickle = Pickle(0x80, 2, (byte)'0', Global("os", "system"), Unicode("ls"), 0x85, (byte)'R', (byte)'.');

        var error = Assert.Throws<CheckpointDataException>(() => PickleSafetyScanner.Scan(pickle));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain("'os.system'"));
        });
    }

    [TestCase("evil_posix_system.pt", "posix.system")]
    [TestCase("evil_builtins_eval_protocol4.pt", "builtins.eval")]
    public void TheReader_RefusesByNameBeforeBuildingAnything(string fixture, string global)
    {
        // These pickles rebuild two real tensors before the payload; the refusal must come before the first storage is read.
        using var archive = ZipFile.OpenRead(Path.Combine(FixtureFolder, fixture));
        using var stream = archive.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        int storagesRead = 0;

        var error = Assert.Throws<CheckpointDataException>(() => PickleReader.Read(buffer.ToArray(), (dtype, key, count) =>
        {
            storagesRead++;
            return new PickleStorage(dtype, key, new byte[count * dtype.Size]);
        }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain($"'{global}'"));
            Assert.That(storagesRead, Is.Zero, "no storage was loaded, so no tensor was built");
        });
    }

    /// <summary>Opcodes that build arbitrary objects, and STACK_GLOBALs whose names are computed, are refused outright.</summary>
    public static IEnumerable<TestCaseData> RefusedConstructions()
    {
        yield return new TestCaseData(Pickle(0x80, 2, (byte)'(', Global("collections", "OrderedDict"), (byte)'o', (byte)'.'), "OBJ").SetName("OBJ");
        yield return new TestCaseData(Pickle(0x80, 2, Global("collections", "OrderedDict"), (byte)')', 0x81, (byte)'.'), "NEWOBJ").SetName("NEWOBJ");
        yield return new TestCaseData(Pickle(0x80, 2, 0x82, 1, (byte)'.'), "EXT1").SetName("EXT1 (copyreg extension registry)");
        yield return new TestCaseData(Pickle(0x80, 2, (byte)'P', Encoding.ASCII.GetBytes("0\n"), (byte)'.'), "PERSID").SetName("PERSID (text)");
        yield return new TestCaseData(
            Pickle(0x80, 4, ShortUnicode("os"), (byte)'2', 0x93, (byte)'.'), "STACK_GLOBAL").SetName("STACK_GLOBAL over a DUP");
        yield return new TestCaseData(
            Pickle(0x80, 2, Global("torch", "FloatStorage"), (byte)')', (byte)'R', (byte)'.'), "torch.FloatStorage").SetName("REDUCE calling a storage class");
    }

    [TestCaseSource(nameof(RefusedConstructions))]
    public void ObjectBuildingOpcodes_AreRefused(byte[] pickle, string named)
    {
        string path = WriteArchive(pickle);
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain(named));
        });
    }

    [Test]
    public void BuildOnATensor_IsRefused()
    {
        // A state_dict only ever BUILDs an OrderedDict with _metadata; anything else is refused.
        var pickle = Pickle(0x80, 2, Global("collections", "OrderedDict"), (byte)')', (byte)'R', (byte)'}', Unicode("x"), (byte)'N', (byte)'s', (byte)'b',
            (byte)'}', (byte)'b', (byte)'.');
        var pickleBuildingAList = Pickle(0x80, 2, (byte)']', (byte)'}', (byte)'b', (byte)'.');
        string path = WriteArchive(pickleBuildingAList);
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));
        var metadataError = Assert.Throws<CheckpointDataException>(() => PickleReader.Read(pickle, (_, _, _) => throw new InvalidOperationException()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain("BUILD"));
            Assert.That(metadataError!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent), "BUILD with attributes other than _metadata");
        });
    }

    [Test]
    public void AHugeStorageClaim_IsRefusedWithoutAllocating()
    {
        // A persistent id announcing 2^40 floats: refused from the numbers, before any allocation.
        var pickle = Pickle(0x80, 2, Global("torch._utils", "_rebuild_tensor_v2"), (byte)'(', (byte)'(', Unicode("storage"), Global("torch", "FloatStorage"),
            Unicode("0"), Unicode("cpu"), 0x8A, 6, new byte[] { 0, 0, 0, 0, 0, 1 }, (byte)'t', (byte)'Q', (byte)'K', 0, (byte)')', (byte)')', 0x89,
            Global("collections", "OrderedDict"), (byte)')', (byte)'R', (byte)'t', (byte)'R', (byte)'.');
        string path = WriteArchive(pickle);
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.Corrupt));
            Assert.That(error.Message, Does.Contain("1099511627776 elements"));
        });
    }

    [Test]
    public void ARealStateDict_PassesTheScan()
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixtureFolder, "pytorch_twolayernet.pt"));
        var protocol4 = File.ReadAllBytes(Path.Combine(FixtureFolder, "pytorch_twolayernet_protocol4.pt"));

        Assert.Multiple(() =>
        {
            Assert.That(PyTorchCheckpointFile.Read(bytes).ModelTensors, Has.Count.EqualTo(4));
            Assert.That(PyTorchCheckpointFile.Read(protocol4).ModelTensors, Has.Count.EqualTo(4));
        });
    }

    private string WriteArchive(byte[] pickle)
    {
        string path = Path.Combine(folder, "crafted.pt");
        var zip = new StoredZipWriter();
        zip.Add("archive/data.pkl", pickle);
        zip.Add("archive/version", "3\n"u8);
        File.WriteAllBytes(path, zip.Finish());
        return path;
    }

    private static byte[] Pickle(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case byte b:
                    bytes.Add(b);
                    break;
                case int i:
                    bytes.Add(checked((byte)i));
                    break;
                case byte[] array:
                    bytes.AddRange(array);
                    break;
                default:
                    throw new ArgumentException(part.GetType().Name);
            }
        }

        return [.. bytes];
    }

    private static byte[] Global(string module, string name) => [(byte)'c', .. Encoding.ASCII.GetBytes($"{module}\n{name}\n")];

    private static byte[] Unicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return [(byte)'X', .. BitConverter.GetBytes(utf8.Length), .. utf8];
    }

    private static byte[] ShortUnicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return [0x8C, (byte)utf8.Length, .. utf8];
    }

    private static byte[] Frame(long length) => BitConverter.GetBytes(length);
}
