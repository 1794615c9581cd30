namespace TorchTutorial.Native
{
    /// <summary>What <see cref="GlibcxxWeakVersionPatcher.Patch"/> did.</summary>
    public enum WeakVersionPatchOutcome
    {
        /// <summary>The library does not need the version from that file; nothing to do.</summary>
        NotNeeded,

        /// <summary>The library's need for the version is already marked weak; nothing to do.</summary>
        AlreadyWeak,

        /// <summary>A patched copy was produced with the need marked weak (only <c>vna_flags</c> differs).</summary>
        Patched,
    }
}
