using System.Collections;
using System.Text;
using Razorvine.Pickle;
using TorchTutorial.Checkpoints;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// Where the reader does not take Razorvine.Pickle 1.5.0's behaviour as it is: globals resolve through this reader,
/// not through Razorvine's process-wide constructor registry, and SETITEMS keeps Python's order and last value.
/// </summary>
public sealed class RazorvinePickleTests
{
    /// <summary>
    /// TorchSharp.PyBridge registers its own constructors for these names in Razorvine's static registry; whatever is
    /// registered there (here: constructors that fail when called) must change nothing for Checkpoint.Load, and a
    /// registered name outside the allow-list must still be refused by name.
    /// </summary>
    [Test]
    public void ConstructorsInRazorvinesProcessWideRegistry_AreNeverUsed()
    {
        string[] names = ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "posix.system"];
        var saved = names.ToDictionary(n => n, n => Registry.All.TryGetValue(n, out var c) ? c : null);
        try
        {
            foreach (string name in names)
            {
                int dot = name.LastIndexOf('.');
                Unpickler.registerConstructor(name[..dot], name[(dot + 1)..], new Failing(name));
            }

            using var model = TwoLayerNet(1);
            using var target = TorchSharp.torch.nn.Linear(2, 1);
            Checkpoint.Load(Path.Combine(FixtureFolder, "pytorch_twolayernet.pt"), model);
            var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Path.Combine(FixtureFolder, "evil_posix_system.pt"), target));

            Assert.Multiple(() =>
            {
                Assert.That(Failing.Calls, Is.Zero, "no registered constructor was called");
                Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
                Assert.That(error.Message, Does.Contain("'posix.system'").And.Contain("nothing from the file was run"));
            });
        }
        finally
        {
            foreach (var (name, constructor) in saved)
            {
                if (constructor is null)
                {
                    Registry.All.Remove(name);
                }
                else
                {
                    Registry.All[name] = constructor;
                }
            }
        }
    }

    [Test]
    public void SetItems_KeepsPythonsOrder_AndTheLastValueOfARepeatedKey()
    {
        // {}, then SETITEMS with 'b': 1, 'a': 2, 'b': 3: Python gives {'b': 3, 'a': 2}.
        byte[] pickle = [0x80, 2, (byte)'}', (byte)'(', .. Unicode("b"), (byte)'K', 1, .. Unicode("a"), (byte)'K', 2, .. Unicode("b"), (byte)'K', 3, (byte)'u', (byte)'.'];

        var ours = (PickleDict)PickleReader.Read(pickle, (_, _, _) => throw new InvalidOperationException())!;
        using var razorvine = new Unpickler();
        var theirs = (Hashtable)razorvine.loads(pickle);

        Assert.Multiple(() =>
        {
            Assert.That(ours.Items.Select(i => $"{i.Key}={i.Value}"), Is.EqualTo(new[] { "b=3", "a=2" }));
            Assert.That(theirs["b"], Is.EqualTo(1), "Razorvine 1.5.0 applies SETITEMS last to first, so the first value of a repeated key wins");
        });
    }

    /// <summary>
    /// The file-level fuzz mostly stops at the zip's CRC-32s; this one damages the pickle itself and re-zips it with
    /// valid CRCs, so every damaged pickle reaches the scanner and Razorvine: never anything but CheckpointDataException.
    /// </summary>
    [TestCase("pytorch_resume_adam.pt")]
    [TestCase("pytorch_twolayernet_protocol4.pt")]
    [TestCase("csharp_resume_adam.pt")]
    public void DamagedPickles_InValidArchives_GiveOnlyCheckpointDataException(string fixture)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(Path.Combine(FixtureFolder, fixture));
        var entries = archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        });
        string pickleName = entries.Keys.Single(n => n.EndsWith("/data.pkl", StringComparison.Ordinal));
        var pickle = entries[pickleName];
        var failures = new List<string>();
        int loaded = 0;

        void Try(byte[] damaged, string description)
        {
            var zip = new StoredZipWriter();
            foreach (var (name, data) in entries)
            {
                zip.Add(name, name == pickleName ? damaged : data);
            }

            try
            {
                PyTorchCheckpointFile.Read(zip.Finish());
                loaded++;
            }
            catch (CheckpointDataException)
            {
            }
            catch (Exception ex)
            {
                failures.Add($"{description}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        for (int length = 0; length < pickle.Length; length++)
        {
            Try(pickle[..length], $"truncated to {length}");
        }

        var random = new Random(20261207);
        for (int i = 0; i < 3000; i++)
        {
            var damaged = (byte[])pickle.Clone();
            int position = random.Next(damaged.Length);
            damaged[position] ^= (byte)random.Next(1, 256);
            Try(damaged, $"byte {position} flipped");
        }

        TestContext.Out.WriteLine($"{fixture}: {pickle.Length}-byte pickle, {pickle.Length + 3000} damaged, {loaded} still loaded");
        Assert.That(failures, Is.Empty);
    }

    private static byte[] Unicode(string text) => [(byte)'X', .. BitConverter.GetBytes(Encoding.UTF8.GetByteCount(text)), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>Razorvine's registry, which only a subclass can reach (to restore it after the test).</summary>
    private sealed class Registry : Unpickler
    {
        public static IDictionary<string, IObjectConstructor> All => objectConstructors;
    }

    private sealed class Failing(string name) : IObjectConstructor
    {
        public static int Calls { get; private set; }

        public object construct(object[] args)
        {
            Calls++;
            throw new InvalidOperationException($"the registered constructor for {name} was called");
        }
    }
}
