#!/usr/bin/env bash
# Runs the TorchTutorial examples of this bundle against a libtorch that is already on the machine: a PyTorch
# install's torch/lib (found with python3 when not given), the libtorch archive's lib folder, or any folder holding
# libtorch.so, libtorch_cpu.so and libc10.so (plus libtorch_cuda.so for CUDA).
#
#   ./run.sh [--libtorch DIR] [--strict] [--check] [--] SECTION [options]
#
# Before .NET starts it checks that DIR has libtorch's files, reads the libtorch version found there, and lets the
# system loader resolve every symbol libLibTorchSharp.so needs (ldd -r). A missing file, library or symbol is one
# line on stderr and exit code 4, as the program itself reports native load failures. A libtorch whose version
# differs from the one TorchSharp was built against but whose symbols all resolve runs with a warning; --strict
# refuses it. --check stops after the checks. The program repeats the checks itself (TORCHTUTORIAL_LIBTORCH).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
app=${TORCHTUTORIAL_APP:-$here}   # the folder with TorchTutorial.Examples; tests point it at a build output

usage() {
  echo "usage: run.sh [--libtorch DIR] [--strict] [--check] [--] SECTION [options]   (run.sh -- --help lists the sections)" >&2
  exit 2
}
fail() { echo "run.sh: $*" >&2; exit 4; }

libtorch=${TORCHTUTORIAL_LIBTORCH:-}
strict=0
check_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --libtorch) [ $# -ge 2 ] || usage; libtorch=$2; shift 2 ;;
    --libtorch=*) libtorch=${1#*=}; shift ;;
    --strict) strict=1; shift ;;
    --check) check_only=1; shift ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done

# What this bundle was built for: bundle-info (written by native/gpu-bundle.sh), else the repository's pins.
torchsharp_version=unknown
expected_version=unknown
if [ -f "$here/bundle-info" ]; then
  torchsharp_version=$(sed -n 's/^torchsharp=//p' "$here/bundle-info")
  expected_version=$(sed -n 's/^libtorch=//p' "$here/bundle-info")
elif [ -f "$here/../../Directory.Packages.props" ]; then
  props="$here/../../Directory.Packages.props"
  torchsharp_version=$(sed -n 's/.*Include="TorchSharp" Version="\([^"]*\)".*/\1/p' "$props")
  expected_version=$(sed -n 's/.*Include="libtorch-cpu" Version="\([^"]*\)".*/\1/p' "$props")
fi
expected_mm=$(echo "$expected_version" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
expected_mm=${expected_mm:-$expected_version}

# No folder given: ask Python where torch is, without importing it (importing would initialise CUDA).
if [ -z "$libtorch" ]; then
  for py in ${PYTHON:-} python3 python; do
    command -v "$py" >/dev/null 2>&1 || continue
    torch_dir=$("$py" -c 'import importlib.util, os; s = importlib.util.find_spec("torch"); print(os.path.dirname(s.origin) if s and s.origin else "")' 2>/dev/null) || continue
    if [ -n "$torch_dir" ] && [ -d "$torch_dir/lib" ]; then
      libtorch="$torch_dir/lib"
      break
    fi
  done
  [ -n "$libtorch" ] || fail "no libtorch folder: pass --libtorch DIR (a PyTorch install's torch/lib, or the libtorch archive's lib) or set TORCHTUTORIAL_LIBTORCH; no python3 on PATH (or \$PYTHON) can import torch."
fi

[ -d "$libtorch" ] || fail "The libtorch folder $libtorch does not exist. Pass --libtorch DIR with a PyTorch install's torch/lib folder."
libtorch=$(cd "$libtorch" && pwd)

# The version found in the folder: torch/version.py, the archive's build-version, versioned file names, a NuGet path.
found_version=""
found_source=""
if [ -f "$libtorch/../version.py" ]; then
  found_version=$(sed -n "s/^__version__ *= *['\"]\([^'\"]*\)['\"].*/\1/p" "$libtorch/../version.py" | head -1)
  found_source=$(cd "$libtorch/.." && pwd)/version.py
fi
if [ -z "$found_version" ] && [ -f "$libtorch/../build-version" ]; then
  found_version=$(head -1 "$libtorch/../build-version" | tr -d '[:space:]')
  found_source=$(cd "$libtorch/.." && pwd)/build-version
fi
if [ -z "$found_version" ]; then
  for f in libtorch.so libtorch_cpu.so libc10.so; do
    [ -e "$libtorch/$f" ] || continue
    real=$(readlink -f "$libtorch/$f")
    v=$(echo "$real" | sed -n 's/.*\.so\.\([0-9][0-9]*\.[0-9][0-9]*\(\.[0-9][0-9]*\)\{0,1\}\)$/\1/p')
    if [ -n "$v" ]; then found_version=$v; found_source=$real; break; fi
  done
fi
if [ -z "$found_version" ]; then
  v=$(echo "$libtorch/" | sed -n 's|.*/libtorch-[^/]*/\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)\(\.[0-9][0-9]*\)\{0,1\}/runtimes/.*|\1|p')
  if [ -n "$v" ]; then found_version=$v; found_source=$libtorch; fi
fi
if [ -n "$found_version" ]; then
  found_text="it holds libtorch $found_version (from $found_source)"
else
  found_text="its version is unknown (no torch/version.py or build-version next to it)"
fi
found_mm=$(echo "$found_version" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')

misfit() {
  fail "The libtorch in $libtorch does not fit: $1. TorchSharp $torchsharp_version needs libtorch $expected_mm.x; $found_text. Point --libtorch (TORCHTUTORIAL_LIBTORCH) at the torch/lib folder of a PyTorch $expected_mm install or the lib folder of the libtorch $expected_mm archive."
}
demangle() {
  if command -v c++filt >/dev/null 2>&1; then
    local readable
    readable=$(c++filt "$1")
    if [ "$readable" != "$1" ]; then echo "$readable ($1)"; return; fi
  fi
  echo "$1"
}

for f in libc10.so libtorch_cpu.so libtorch.so; do
  [ -e "$libtorch/$f" ] || misfit "$f is not in it"
done

bridge="$app/libLibTorchSharp.so"
[ -f "$bridge" ] || bridge="$app/runtimes/linux-x64/native/libLibTorchSharp.so"
[ -f "$bridge" ] || fail "libLibTorchSharp.so is not in $app: unpack the whole bundle (native/gpu-bundle.sh builds it)."

export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if command -v ldd >/dev/null 2>&1; then
  report=$(ldd -r "$bridge" 2>&1)
  # Here-strings, not echo into a pipe: a reader that stops early (head, grep -m1) would make echo fail with EPIPE
  # where SIGPIPE is ignored (as in a child of a .NET process), and print a second line on stderr.
  missing_lib=$(sed -n 's/^[[:space:]]*\([^[:space:]]*\) => not found.*/\1/p' <<<"$report")
  missing_lib=${missing_lib%%$'\n'*}
  [ -z "$missing_lib" ] || misfit "$missing_lib, needed by libLibTorchSharp.so or libtorch, was not found by the loader"
  # "weak version ... not found" is harmless (the build's compatibility step marks GLIBCXX_3.4.32 weak); a plain one is fatal.
  missing_version=$(grep -v 'weak version' <<<"$report" | grep -o "version \`[^']*' not found (required by [^)]*)" || true)
  missing_version=${missing_version%%$'\n'*}
  [ -z "$missing_version" ] || misfit "$missing_version"
  # Only libLibTorchSharp's own: undefined symbols inside PyTorch's or CUDA's libraries are theirs to resolve lazily.
  undefined=$(grep 'libLibTorchSharp\.so)$' <<<"$report" | sed -n 's/^undefined symbol: \([^[:space:]]*\).*/\1/p')
  if [ -n "$undefined" ]; then
    count=$(wc -l <<<"$undefined")
    misfit "libLibTorchSharp.so needs $count symbol(s) this libtorch does not export, the first: $(demangle "${undefined%%$'\n'*}")"
  fi
  symbols_text="every symbol libLibTorchSharp.so needs resolves"
else
  symbols_text="ldd is not installed, so the symbols are checked when the program loads"
fi

if [ "$found_mm" != "$expected_mm" ]; then
  message="libtorch in $libtorch is ${found_version:-of unknown version}, TorchSharp $torchsharp_version was built against $expected_mm.x; $symbols_text"
  [ "$strict" -eq 0 ] || fail "$message; refused (--strict)."
  echo "run.sh: warning: $message, running anyway (--strict refuses)." >&2
fi

if [ "$check_only" -eq 1 ]; then
  echo "libtorch ${found_version:-(unknown version)} in $libtorch fits TorchSharp $torchsharp_version: $symbols_text."
  exit 0
fi

export TORCHTUTORIAL_LIBTORCH="$libtorch"
exec "$app/TorchTutorial.Examples" "$@"
