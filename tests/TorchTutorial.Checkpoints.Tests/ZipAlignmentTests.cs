using System.Buffers.Binary;
using System.IO.Compression;
using TorchSharp;
using TorchTutorial.Checkpoints;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// What the hand-written <see cref="StoredZipWriter"/> buys over <see cref="ZipArchive"/>: PyTorch's writer
/// (caffe2/serialize/inline_container.cc, kFieldAlignment = 64) pads each record's local header so the record's data
/// starts on a 64-byte boundary, which lets <c>torch.load(f, mmap=True)</c> (PyTorch ≥ 2.1) map tensors straight from
/// the file with aligned data. Debian's PyTorch 1.13 has no <c>mmap=</c>, so this is proven from the local headers:
/// every record of a file written here, and of files PyTorch wrote, starts its data at a multiple of 64, stored; the
/// same records written by <see cref="ZipArchive"/> (no compression) do not.
/// </summary>
public sealed class ZipAlignmentTests
{
    private const int PyTorchAlignment = 64;

    [Test]
    public void EveryRecordWrittenHere_StartsItsDataOn64Bytes_AsPyTorchsOwnFilesDo()
    {
        using var scope = NewDisposeScope();
        string folder = NewTemporaryFolder();
        try
        {
            string path = Path.Combine(folder, "adam.pt");
            using var model = TwoLayerNet(1);
            using var adam = optim.Adam(model.parameters(), 1e-2);
            Train(model, adam, randn(4, DIn), randn(4, DOut), 1);
            Checkpoint.Save(path, model, adam);

            var ours = Records(File.ReadAllBytes(path));
            var pytorchs = Records(File.ReadAllBytes(Path.Combine(FixtureFolder, "pytorch_resume_adam.pt")));
            TestContext.Out.WriteLine("ours:    " + string.Join(", ", ours.Select(r => $"{r.Name}@{r.DataOffset}")));
            TestContext.Out.WriteLine("PyTorch: " + string.Join(", ", pytorchs.Select(r => $"{r.Name}@{r.DataOffset}")));

            Assert.Multiple(() =>
            {
                Assert.That(ours, Has.Count.GreaterThan(10), "data.pkl, 12 storages (4 weights, 8 Adam moments), version, byteorder");
                Assert.That(pytorchs, Has.Count.GreaterThan(10));
                Assert.That(ours.Concat(pytorchs).Select(r => r.Method), Is.All.EqualTo(0), "stored, so the bytes in the file are the tensor's");
                Assert.That(ours.Concat(pytorchs).Where(r => r.DataOffset % PyTorchAlignment != 0), Is.Empty, "every record's data 64-byte aligned");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ZipArchive_WithoutCompression_DoesNotAlignTheRecords()
    {
        // If a future System.IO.Compression aligns stored entries, this fails: then StoredZipWriter can go.
        var source = Records(File.ReadAllBytes(Path.Combine(FixtureFolder, "csharp_resume_adam.pt")));
        using var written = new MemoryStream();
        using (var archive = new ZipArchive(written, ZipArchiveMode.Create, leaveOpen: true))
        using (var pytorchFile = ZipFile.OpenRead(Path.Combine(FixtureFolder, "csharp_resume_adam.pt")))
        {
            foreach (var entry in pytorchFile.Entries)
            {
                using var from = entry.Open();
                using var to = archive.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                from.CopyTo(to);
            }
        }

        var records = Records(written.ToArray());
        TestContext.Out.WriteLine("ZipArchive: " + string.Join(", ", records.Select(r => $"{r.Name}@{r.DataOffset} (method {r.Method})")));

        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.Name), Is.EqualTo(source.Select(r => r.Name)));
            Assert.That(records.Count(r => r.DataOffset % PyTorchAlignment != 0), Is.GreaterThan(records.Count / 2));
        });
    }

    /// <summary>Each record's name, compression method and data offset, from the central directory and the local headers.</summary>
    private static List<(string Name, int Method, long DataOffset)> Records(byte[] zip)
    {
        int end = zip.AsSpan().LastIndexOf("PK\x05\x06"u8);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        int at = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var records = new List<(string, int, long)>();
        for (int i = 0; i < count; i++)
        {
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)), Is.EqualTo(0x02014B50), "a central directory header");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            int skip = nameLength + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
            int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 42));
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(local)), Is.EqualTo(0x04034B50), "a local header");
            int method = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 8));
            long data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
            records.Add((System.Text.Encoding.UTF8.GetString(zip, at + 46, nameLength), method, data));
            at += 46 + skip;
        }

        return records;
    }
}
