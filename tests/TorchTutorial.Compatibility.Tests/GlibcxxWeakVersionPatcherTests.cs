using TorchTutorial.Native;

namespace TorchTutorial.Compatibility.Tests;

/// <summary>
/// <see cref="GlibcxxWeakVersionPatcher"/> and <see cref="ElfImage"/> on the real libLibTorchSharp.so from the
/// NuGet cache and the host's libstdc++ (copies only; the cached files are never written).
/// </summary>
[TestFixture]
public sealed class GlibcxxWeakVersionPatcherTests
{
    private const string LibStdCxx = GlibcxxWeakVersionPatcher.LibStdCxxFileName;
    private const string Glibcxx3432 = GlibcxxWeakVersionPatcher.RequiredVersion;

    [Test]
    public void RealLibraryNeedsGlibcxx3432NotWeakAndBoundOnlyToIosBaseLibraryInit()
    {
        ElfImage image = ElfImage.Parse(NativeTestFiles.LibTorchSharpCopy());

        ElfVersionNeed need = FindNeed(image, LibStdCxx, Glibcxx3432);
        string[] bound = image.DynamicSymbols.Where(s => s.VersionIndex == need.VersionIndex).Select(s => s.Name).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(need.IsWeak, Is.False);
            Assert.That(bound, Is.EqualTo(new[] { NativeTestFiles.IosBaseLibraryInit }));
            Assert.That(image.DynamicRelocations, Is.Not.Empty);
        }
    }

    [Test]
    public void PatchChangesOnlyTheTwoVnaFlagsBytesAndMarksTheNeedWeak()
    {
        byte[] original = NativeTestFiles.LibTorchSharpCopy();
        byte[] untouched = (byte[])original.Clone();
        ElfVersionNeed before = FindNeed(ElfImage.Parse(original), LibStdCxx, Glibcxx3432);

        WeakVersionPatchResult result = GlibcxxWeakVersionPatcher.Patch(original, LibStdCxx, Glibcxx3432, NativeTestFiles.LibTorchSharpPath);

        List<long> differences = ElfTestEdits.Differences(original, result.Data);
        ElfImage reparsed = ElfImage.Parse(result.Data);
        ElfVersionNeed after = FindNeed(reparsed, LibStdCxx, Glibcxx3432);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(WeakVersionPatchOutcome.Patched));
            Assert.That(result.Changed, Is.True);
            Assert.That(result.FlagsOffsets, Is.EqualTo(new[] { before.FlagsOffset }));
            Assert.That(differences, Is.Not.Empty);
            Assert.That(differences, Is.All.InRange(before.FlagsOffset, before.FlagsOffset + 1), "only vna_flags may change");
            Assert.That(after.IsWeak, Is.True);
            Assert.That(after.Flags, Is.EqualTo(before.Flags | ElfVersionNeed.FlagWeak));
            Assert.That(result.BoundSymbols, Is.EqualTo(new[] { NativeTestFiles.IosBaseLibraryInit }));
            Assert.That(original, Is.EqualTo(untouched), "the input array must not be modified");
            Assert.That(
                reparsed.VersionNeeds.Where(v => v.Name != Glibcxx3432).Select(v => v.IsWeak),
                Is.All.False,
                "no other need may become weak");
        }
    }

    [TestCase(".rela.dyn")]
    [TestCase(".rela.plt")]
    public void PatchRefusesWhenARelocationUsesASymbolBoundToTheVersion(string relocationSection)
    {
        byte[] library = NativeTestFiles.LibTorchSharpCopy();
        ElfImage image = ElfImage.Parse(library);
        ElfSymbol bound = image.DynamicSymbols.Single(s => s.Name == NativeTestFiles.IosBaseLibraryInit);
        ElfRelocation victim = image.DynamicRelocations.First(r => r.SectionName == relocationSection && r.SymbolIndex != 0);

        // r_info is at +8 of an Elf64_Rela; its high half (+12) is the symbol index.
        ElfTestEdits.WriteUInt32(library, victim.EntryOffset + 12, (uint)bound.Index);

        Assert.That(
            () => GlibcxxWeakVersionPatcher.Patch(library, LibStdCxx, Glibcxx3432, "redirected.so"),
            Throws.TypeOf<WeakVersionPatchRefusedException>()
                .With.Message.Contains(NativeTestFiles.IosBaseLibraryInit)
                .And.Message.Contains(Glibcxx3432)
                .And.Message.Contains(relocationSection)
                .And.Message.Contains("cannot be made to load safely")
                .And.Property(nameof(WeakVersionPatchRefusedException.SymbolName)).EqualTo(NativeTestFiles.IosBaseLibraryInit));
    }

    [Test]
    public void PatchingTwiceReportsAlreadyWeakAndReturnsTheInputUnchanged()
    {
        byte[] once = GlibcxxWeakVersionPatcher.Patch(NativeTestFiles.LibTorchSharpCopy(), LibStdCxx, Glibcxx3432).Data;
        byte[] snapshot = (byte[])once.Clone();

        WeakVersionPatchResult twice = GlibcxxWeakVersionPatcher.Patch(once, LibStdCxx, Glibcxx3432);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(twice.Outcome, Is.EqualTo(WeakVersionPatchOutcome.AlreadyWeak));
            Assert.That(twice.Changed, Is.False);
            Assert.That(twice.Data, Is.SameAs(once));
            Assert.That(once, Is.EqualTo(snapshot));
        }
    }

    [TestCase(LibStdCxx, "GLIBCXX_9.9.99", TestName = "a version the library does not need")]
    [TestCase("libc.so.6", Glibcxx3432, TestName = "the version from another dependency")]
    [TestCase("libstdc++.so.5", Glibcxx3432, TestName = "the version from a dependency the library does not use")]
    public void PatchIsANoOpWhenTheLibraryDoesNotNeedThatVersion(string neededFile, string version)
    {
        byte[] library = NativeTestFiles.LibTorchSharpCopy();

        WeakVersionPatchResult result = GlibcxxWeakVersionPatcher.Patch(library, neededFile, version);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(WeakVersionPatchOutcome.NotNeeded));
            Assert.That(result.Data, Is.SameAs(library));
            Assert.That(result.FlagsOffsets, Is.Empty);
        }
    }

    [Test]
    public void ReadDefinedVersionsOfHostLibStdCxxListsGlibcxxVersionsButNotTheSoname()
    {
        string host = NativeTestFiles.HostLibStdCxxPath;

        ISet<string> versions = GlibcxxWeakVersionPatcher.ReadDefinedVersions(File.ReadAllBytes(host), host);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(versions, Does.Contain("GLIBCXX_3.4"));
            Assert.That(versions, Does.Contain("CXXABI_1.3"));
            Assert.That(versions, Does.Not.Contain(LibStdCxx));
        }
    }

    [Test]
    public void ReadDefinedVersionsSeesGlibcxx3432InALibStdCxxThatDefinesIt()
    {
        string host = NativeTestFiles.HostLibStdCxxPath;
        byte[] bytes = File.ReadAllBytes(host);
        ISet<string> hostVersions = GlibcxxWeakVersionPatcher.ReadDefinedVersions(bytes, host);
        string renamed = hostVersions.Where(v => v.Length == Glibcxx3432.Length && v != Glibcxx3432).Max(StringComparer.Ordinal)!;

        byte[] newer = ElfTestEdits.RenameDefinedVersion(bytes, renamed, Glibcxx3432);
        ISet<string> versions = GlibcxxWeakVersionPatcher.ReadDefinedVersions(newer, "renamed-libstdc++.so.6");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(versions, Does.Contain(Glibcxx3432));
            Assert.That(versions, Does.Not.Contain(renamed));
            Assert.That(versions, Has.Count.EqualTo(hostVersions.Contains(Glibcxx3432) ? hostVersions.Count - 1 : hostVersions.Count));
        }
    }

    [Test]
    public void ReadDefinedVersionsOfALibraryWithoutVersionDefinitionsIsEmpty()
    {
        Assert.That(GlibcxxWeakVersionPatcher.ReadDefinedVersions(NativeTestFiles.LibTorchSharpCopy()), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(4096)]
    [TestCase(0x3f8f0 + 0x100, TestName = "truncated inside .gnu.version_r")]
    [TestCase(-64, TestName = "last section header cut off")]
    [TestCase(-1, TestName = "one byte short")]
    public void TruncatedLibraryIsRejectedWithAnElfFormatExceptionNamingTheFile(int length)
    {
        byte[] full = NativeTestFiles.LibTorchSharpCopy();
        byte[] truncated = full.AsSpan(0, length >= 0 ? length : full.Length + length).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                () => GlibcxxWeakVersionPatcher.Patch(truncated, LibStdCxx, Glibcxx3432, "/cache/libLibTorchSharp.so"),
                Throws.TypeOf<ElfFormatException>()
                    .With.Message.Contains("'/cache/libLibTorchSharp.so' (" + truncated.Length + " bytes)")
                    .And.Message.Contains("not a usable ELF64 little-endian shared library")
                    .And.Property(nameof(ElfFormatException.FileName)).EqualTo("/cache/libLibTorchSharp.so"));
            Assert.That(
                () => GlibcxxWeakVersionPatcher.ReadDefinedVersions(truncated, "/cache/libLibTorchSharp.so"),
                Throws.TypeOf<ElfFormatException>());
        }
    }

    [TestCase("#!/bin/sh\necho this is a shell script, not a shared library\n", "ELF magic")]
    [TestCase("", "shorter than the 64-byte ELF64 header")]
    public void NonElfInputIsRejectedWithAClearMessage(string content, string expected)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(content.PadRight(content.Length == 0 ? 0 : 128, '#'));

        Assert.That(
            () => GlibcxxWeakVersionPatcher.Patch(bytes, LibStdCxx, Glibcxx3432, "not-elf.txt"),
            Throws.TypeOf<ElfFormatException>().With.Message.Contains(expected).And.Message.Contains("'not-elf.txt'"));
    }

    [TestCase(4, 1, "only 64-bit ELF")]
    [TestCase(5, 2, "only little-endian ELF")]
    public void ElfOfTheWrongClassOrByteOrderIsRejected(int identOffset, byte value, string expected)
    {
        byte[] library = NativeTestFiles.LibTorchSharpCopy();
        library[identOffset] = value;

        Assert.That(() => ElfImage.Parse(library, "odd.so"), Throws.TypeOf<ElfFormatException>().With.Message.Contains(expected));
    }

    [TestCase("e_shoff", "past the end of the file")]
    [TestCase(".gnu.version_r sh_offset", "extends past the end of the file")]
    [TestCase(".gnu.version_r sh_link", "links to section")]
    [TestCase("vn_aux", "lies outside its section")]
    [TestCase("vna_name", "lies outside string table")]
    [TestCase("r_info symbol", "but .dynsym has")]
    public void OutOfBoundsOffsetsAreRejectedWithAnElfFormatException(string field, string expected)
    {
        byte[] library = NativeTestFiles.LibTorchSharpCopy();
        ElfImage image = ElfImage.Parse(library);
        ElfSection needs = image.Sections.Single(s => s.Name == ".gnu.version_r");
        long needsHeader = (long)BitConverter.ToUInt64(library, 0x28) + (64L * needs.Index);
        switch (field)
        {
            case "e_shoff":
                ElfTestEdits.WriteUInt64(library, 0x28, 0x7fff_ffff_0000);
                break;
            case ".gnu.version_r sh_offset":
                ElfTestEdits.WriteUInt64(library, needsHeader + 24, (ulong)library.Length - 8);
                break;
            case ".gnu.version_r sh_link":
                ElfTestEdits.WriteUInt32(library, needsHeader + 40, 4000);
                break;
            case "vn_aux":
                ElfTestEdits.WriteUInt32(library, needs.Offset + 8, 0x10_0000);
                break;
            case "vna_name":
                ElfTestEdits.WriteUInt32(library, needs.Offset + 16 + 8, 0xffff_fff0);
                break;
            default:
                ElfTestEdits.WriteUInt32(library, image.DynamicRelocations[0].EntryOffset + 12, 0x00ff_ffff);
                break;
        }

        Assert.That(
            () => GlibcxxWeakVersionPatcher.Patch(library, LibStdCxx, Glibcxx3432, "corrupt.so"),
            Throws.TypeOf<ElfFormatException>().With.Message.Contains(expected).And.Message.Contains("'corrupt.so'"));
    }

    [Test]
    public void RandomCorruptionOfHeadersAndVersionTablesNeverEscapesAsAnythingButElfFormatException()
    {
        byte[] original = NativeTestFiles.LibTorchSharpCopy();
        ElfImage image = ElfImage.Parse(original);
        long sectionTable = (long)BitConverter.ToUInt64(original, 0x28);
        ElfSection needs = image.Sections.Single(s => s.Name == ".gnu.version_r");
        ElfSection versions = image.Sections.Single(s => s.Name == ".gnu.version");
        (long Start, long Length)[] regions =
        [
            (0, 64),
            (sectionTable, original.Length - sectionTable),
            (needs.Offset, needs.Size),
            (versions.Offset, 64),
        ];
        var random = new Random(20260107);
        var unexpected = new List<string>();

        for (int iteration = 0; iteration < 400; iteration++)
        {
            byte[] corrupt = (byte[])original.Clone();
            for (int flips = random.Next(1, 6); flips > 0; flips--)
            {
                (long start, long length) = regions[random.Next(regions.Length)];
                corrupt[start + random.NextInt64(length)] = (byte)random.Next(256);
            }

            try
            {
                GlibcxxWeakVersionPatcher.Patch(corrupt, LibStdCxx, Glibcxx3432, "fuzzed.so");
            }
            catch (ElfFormatException)
            {
            }
            catch (WeakVersionPatchRefusedException)
            {
                // A flipped versym entry may legitimately bind a relocated symbol to GLIBCXX_3.4.32.
            }
            catch (Exception e)
            {
                unexpected.Add($"iteration {iteration}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.That(unexpected, Is.Empty);
    }

    private static ElfVersionNeed FindNeed(ElfImage image, string file, string version)
    {
        return image.VersionNeeds.Single(n => n.FileName == file && n.Name == version);
    }
}
