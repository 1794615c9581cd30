#!/usr/bin/env bash
# Runs every benchmark of TorchTutorial and writes docs/benchmarks.md from the results.
#
#   tests/TorchTutorial.Benchmarks/run-benchmarks.sh            # about 30 minutes on 2 cores
#
# Phases (each a separate process; the 1-minute load average before and after each one is recorded, because the
# machine may be shared): build; machine facts; facade vs direct, interleaved (each section's own code,
# SectionContext.Run, its steps through TrainingLoop or through the tutorial apps' plain loop); the facade with and
# without NativeHeap.Tune()'s allocator setting, alternating processes (before/after); nn, optim and optim --fused in
# one process; the phase breakdown (both allocators); BenchmarkDotNet (sections, floors, loop overhead, scaling,
# threads); the memory soaks; startup; ours, raw TorchSharp (the tutorial apps, tutorial/*.cs, built in Release) and
# PyTorch (reference BLAS, OpenBLAS as installed and tuned) side by side, and the examples' peak memory; the report.
# The benchmark program calls NativeHeap.Tune() before it times anything, as the examples program does at start-up;
# TORCHTUTORIAL_MALLOC_TUNING=0 (or glibc's own MALLOC_* variables) makes that call leave glibc's defaults alone.
# Results go to $BENCH_RESULTS (default tests/TorchTutorial.Benchmarks/bin/results); the report to $BENCH_REPORT
# (default docs/benchmarks.md). Needs the .NET SDK and, for the PyTorch comparison, Debian's python3-torch.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset TORCHTUTORIAL_MALLOC_TUNING MALLOC_TRIM_THRESHOLD_ MALLOC_MMAP_THRESHOLD_ MALLOC_TOP_PAD_ MALLOC_MMAP_MAX_ GLIBC_TUNABLES OMP_NUM_THREADS OPENBLAS_CORETYPE || true

RESULTS=${BENCH_RESULTS:-$ROOT/tests/TorchTutorial.Benchmarks/bin/results}
REPORT=${BENCH_REPORT:-$ROOT/docs/benchmarks.md}
export BENCH_RESULTS=$RESULTS
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
BENCH=tests/TorchTutorial.Benchmarks/bin/Release/net10.0/TorchTutorial.Benchmarks
EXAMPLES=examples/TorchTutorial.Examples/bin/Release/net10.0/TorchTutorial.Examples
PYTHON=/usr/bin/python3   # Debian's own interpreter: the one that sees python3-torch

load() { cut -d' ' -f1 /proc/loadavg; }

# phase NAME COMMAND...: runs the command, appends "NAME start end load-before load-after command" to phases.tsv.
phase() {
  local name=$1; shift
  local before start
  before=$(load); start=$(date +%s)
  echo "== $name: $*  (load $before)"
  "$@"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$start" "$(date +%s)" "$before" "$(load)" "$*" >> "$RESULTS/phases.tsv"
}

phase build dotnet build tests/TorchTutorial.Benchmarks -c Release -nologo -v:quiet

machine() {
  local props=Directory.Packages.props
  local libtorch_so blas_lib blas_pkg
  libtorch_so=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/libtorch-cpu-linux-x64" -name libtorch_cpu.so 2>/dev/null | head -1 || true)
  blas_lib=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
  blas_pkg=$(dpkg -S "$blas_lib" 2>/dev/null | cut -d: -f1 | head -1 || true)
  {
    echo "DATE=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "GIT_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "GIT_DIRTY=$([ -n "$(git status --porcelain 2>/dev/null)" ] && echo yes || echo no)"
    echo "CPU_MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
    echo "CORES=$(nproc)"
    echo "THREADS_PER_CORE=$(lscpu | sed -n 's/^Thread(s) per core: *//p' | head -1)"
    echo "CPU_FLAGS=$(grep -m1 '^flags' /proc/cpuinfo | grep -qw avx512f && echo 'AVX2 and AVX-512' || echo 'AVX2')"
    echo "MEM_TOTAL=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
    echo "OS=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "KERNEL=$(uname -r)"
    echo "GLIBC=$(ldd --version | head -1 | awk '{ print $NF }')"
    echo "THP=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?')"
    echo "VIRT=$(grep -qw hypervisor /proc/cpuinfo && echo 'a virtual machine (CPU flag hypervisor' || echo '(no hypervisor flag'); systemd-detect-virt: vm $(systemd-detect-virt --vm 2>/dev/null || echo none), container $(systemd-detect-virt --container 2>/dev/null || echo none))"
    echo "DOTNET_SDK=$(dotnet --version)"
    echo "TORCHSHARP=$(sed -n 's/.*Include="TorchSharp" Version="\([^"]*\)".*/\1/p' $props)"
    echo "LIBTORCH_CPU=$(sed -n 's/.*Include="libtorch-cpu" Version="\([^"]*\)".*/\1/p' $props)"
    echo "BDN_VERSION=$(sed -n 's/.*Include="BenchmarkDotNet" Version="\([^"]*\)".*/\1/p' $props)"
    if [ -n "$libtorch_so" ] && grep -a -q -m1 'oneMKL' "$libtorch_so"; then
      echo "LIBTORCH_BLAS=Intel oneMKL, statically linked into libtorch_cpu.so"
    else
      echo "LIBTORCH_BLAS=?"
    fi
    if $PYTHON -c 'import torch' 2>/dev/null; then
      echo "PYTORCH_VERSION=$($PYTHON -c 'import torch; print(torch.__version__)')"
      echo "PYTORCH_BLAS_INFO=$($PYTHON -c 'import torch, re; m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show()); print(m.group(1) if m else "?")')"
      echo "PYTORCH_DEB=$(dpkg-query -W -f '${Version}' python3-torch 2>/dev/null || echo '?')"
      echo "PYTHON=$($PYTHON --version 2>&1)"
      echo "PYTORCH_BLAS=${blas_lib:-?} from ${blas_pkg:-?} $(dpkg-query -W -f '${Version} (${binary:Summary})' "$blas_pkg" 2>/dev/null)"
    fi
  } > "$RESULTS/machine.env"
  cat "$RESULTS/machine.env"
}
phase machine machine
phase env "$BENCH" env

# Facade against direct, interleaved.
phase interleaved "$BENCH" interleaved tuned 16

# Before/after of NativeHeap.Tune(): glibc's defaults (TORCHTUTORIAL_MALLOC_TUNING=0, what a program gets that does not
# call it) and the setting, alternating processes so that both see the same load.
facades() {
  for _ in 1 2; do
    TORCHTUTORIAL_MALLOC_TUNING=0 "$BENCH" facades glibc
    "$BENCH" facades tuned
  done
}
phase facades facades
# nn, optim and optim --fused side by side in one process.
phase fused "$BENCH" fused 12
phase breakdown-tuned "$BENCH" breakdown tuned
phase breakdown-glibc env TORCHTUTORIAL_MALLOC_TUNING=0 "$BENCH" breakdown glibc

# BenchmarkDotNet: all five suites in one process (in-process toolchain).
phase benchmarkdotnet "$BENCH" bdn sections floors loop scaling threads

# Memory: 100,000 steps from step 0 through the facade, with TorchSharp's Adam and with --fused (FusedAdam); the same
# loop without a DisposeScope; (shorter, it is slow) the facade with glibc's allocator defaults; and the facade with a
# 64 MiB trim threshold.
phase memory-facade "$BENCH" memory facade 100000
phase memory-fused "$BENCH" memory fused 100000
phase memory-noscope "$BENCH" memory noscope 100000
phase memory-facade-glibc env TORCHTUTORIAL_MALLOC_TUNING=0 "$BENCH" memory facade 20000
phase memory-facade-trim64 env MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=67108864 "$BENCH" memory facade 100000

startup() {
  for _ in 1 2 3 4 5; do
    "$BENCH" startup "$(date +%s%N)"
  done
  for _ in 1 2 3 4 5; do
    local s e
    s=$(date +%s%N)
    "$EXAMPLES" nn --steps 1 --format tutorial > /dev/null
    e=$(date +%s%N)
    echo "$(( (e - s) / 1000000 ))" >> "$RESULTS/startup-cli.txt"
  done
  echo "examples program, launch to exit (ms): $(tr '\n' ' ' < "$RESULTS/startup-cli.txt")"
}
phase startup startup

if $PYTHON -c 'import torch' 2>/dev/null; then
  # Side by side, interleaved: ours, raw TorchSharp, PyTorch on the reference BLAS and on OpenBLAS, as installed and with
  # OPENBLAS_CORETYPE set for this CPU (optim also --fused);
  # then the examples program's peak memory at --steps 2000 and 20000.
  phase pytorch $PYTHON tests/TorchTutorial.Benchmarks/pytorch_steps.py --repo "$ROOT" --examples "$EXAMPLES" --bench "$ROOT/$BENCH" \
    --apps "$ROOT/tests/TorchTutorial.Benchmarks/bin/apps" --out "$RESULTS/pytorch.json" --threads 1 --memory
else
  echo "== pytorch: skipped, Debian's python3-torch is not installed (apt-get install python3-torch)"
fi

"$BENCH" report "$RESULTS" "$REPORT"
echo "== done: $REPORT"
