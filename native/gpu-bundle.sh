#!/usr/bin/env bash
# Builds the GPU bundle: the examples program published self-contained for linux-x64 with -p:TorchBackend=external,
# that is TorchSharp's managed DLL and libLibTorchSharp.so (patched for Debian 12 by the compatibility step, as on
# every publish) but no libtorch, plus run.sh, which points it at a libtorch already on the target machine (a
# PyTorch install's torch/lib). Needs the .NET SDK here; the target needs neither .NET nor the libtorch NuGet package.
#
#   native/gpu-bundle.sh [OUTPUT_DIR]      (default: artifacts/gpu-bundle)
#
# Writes OUTPUT_DIR/torchtutorial-linux-x64.tar.xz, unpacking to torchtutorial-linux-x64/ (see native/README.md).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$repo/artifacts/gpu-bundle}
name=torchtutorial-linux-x64
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle="$work/$name"

# Its own obj/ and bin/ (--artifacts-path): an external, RID-specific restore must not replace the
# assets of the repository's normal cpu build.
echo "== dotnet publish (self-contained linux-x64, TorchBackend=external)"
dotnet publish "$repo/examples/TorchTutorial.Examples/TorchTutorial.Examples.csproj" -c Release -r linux-x64 --self-contained \
  -p:TorchBackend=external --artifacts-path "$work/artifacts" -o "$bundle" -nologo -v:minimal

leaked=$(cd "$bundle" && ls | grep -E '^lib(torch|c10|gomp)' || true)
if [ -n "$leaked" ]; then
  echo "gpu-bundle: libtorch files in the bundle, which must carry none: $leaked" >&2
  exit 1
fi
[ -f "$bundle/libLibTorchSharp.so" ] || { echo "gpu-bundle: libLibTorchSharp.so is missing from the publish output" >&2; exit 1; }

props="$repo/Directory.Packages.props"
{
  echo "torchsharp=$(sed -n 's/.*Include="TorchSharp" Version="\([^"]*\)".*/\1/p' "$props")"
  echo "libtorch=$(sed -n 's/.*Include="libtorch-cpu" Version="\([^"]*\)".*/\1/p' "$props")"
  echo "commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$bundle/bundle-info"
install -m 0755 "$repo/native/bundle/run.sh" "$bundle/run.sh"
# Debug symbols are not needed to run; they are a fifth of the size.
rm -f "$bundle"/*.pdb

echo "== packing"
tar -C "$work" -cf - "$name" | xz -T0 -6 > "$out/$name.tar.xz"
echo "gpu-bundle: $out/$name.tar.xz ($(du -h "$out/$name.tar.xz" | cut -f1); unpacked $(du -sh "$bundle" | cut -f1))"
