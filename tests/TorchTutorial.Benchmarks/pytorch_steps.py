# -*- coding: utf-8 -*-
"""Side by side, in one run: the C# examples program (ours), the same loops written directly on TorchSharp (raw
TorchSharp, the benchmark program's `direct` mode), Debian's PyTorch on its reference BLAS and the same PyTorch on
OpenBLAS (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp), per section; for optim also ours with --fused.

Run with Debian's interpreter (/usr/bin/python3), from run-benchmarks.sh. Every program runs as a whole process with a
short and a long step count; time per step is (fastest long run - fastest short run) / (long - short), so interpreter
start-up, `import torch`, .NET start-up and libtorch loading cancel out. The variants of a section are interleaved: each
repeat runs all of them once, in an order that rotates, so that a change of machine load hits all alike. Time is both
wall-clock and the child's CPU time (user + system, from wait4's rusage: with one libtorch thread, the step's own
thread plus the runtime's background threads), which a busy machine disturbs far less; the ratios use CPU time.
Scripts print every step (`print(t, loss.item())`; the C# program with --format tutorial prints the same lines) to
/dev/null; the direct mode prints nothing.

--memory also records the peak resident memory (VmHWM, wait4's ru_maxrss) of the examples program at --steps 2000 and
--steps 20000 for optim, autograd, nn and module.
"""
import argparse
import json
import os
import subprocess
import sys
import time

SCRIPTS = [
    ("tensors", "two_layer_net_tensor.py"),
    ("autograd", "two_layer_net_autograd.py"),
    ("custom-function", "two_layer_net_custom_function.py"),
    ("nn", "two_layer_net_nn.py"),
    ("optim", "two_layer_net_optim.py"),
    ("module", "two_layer_net_module.py"),
]
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
MEMORY_SECTIONS = ["optim", "autograd", "nn", "module"]


def run(cmd, env):
    """Runs cmd; returns (wall s, cpu s, peak rss KB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.strip()[-400:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--examples", required=True, help="the C# examples program (app host)")
    parser.add_argument("--bench", required=True, help="the benchmark program (app host), for the direct mode")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--short", type=int, default=20)
    parser.add_argument("--long", type=int, default=220, help="long run of the reference-BLAS PyTorch")
    parser.add_argument("--openblas-long", type=int, default=520)
    parser.add_argument("--cs-long", type=int, default=2020)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--sections", default=",".join(s for s, _ in SCRIPTS))
    args = parser.parse_args()

    base = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    base.pop("LD_LIBRARY_PATH", None)
    openblas = dict(base, LD_LIBRARY_PATH=OPENBLAS)
    have_openblas = os.path.isdir(OPENBLAS)
    threads = str(args.threads)
    wanted = args.sections.split(",")
    rows = []
    for section, script in SCRIPTS:
        if section not in wanted:
            continue
        path = os.path.join(args.repo, "tests", "Parity", "scripts", script)
        py = lambda n: ["/usr/bin/python3", path, "--steps", str(n), "--threads", threads]
        cs = lambda extra: (lambda n: [args.examples, section, "--steps", str(n), "--threads", threads, "--format", "tutorial", *extra])
        variants = {
            "ours": (cs([]), base, args.cs_long),
            "torchsharp": (lambda n: [args.bench, "direct", section, str(n)], base, args.cs_long),
            "pytorchReference": (py, base, args.long),
        }
        if have_openblas:
            variants["pytorchOpenBlas"] = (py, openblas, args.openblas_long)
        if section == "optim":
            variants["oursFused"] = (cs(["--fused"]), base, args.cs_long)
        best = {name: {"short": [float("inf")] * 2, "long": [float("inf")] * 2} for name in variants}
        names = list(variants)
        for r in range(args.repeats):
            order = names[r % len(names):] + names[:r % len(names)]
            for length in ("short", "long"):
                for name in order:
                    make, env, long_steps = variants[name]
                    wall, cpu, _ = run(make(args.short if length == "short" else long_steps), env)
                    b = best[name][length]
                    best[name][length] = [min(b[0], wall), min(b[1], cpu)]
        row = {"section": section, "script": script, "shortSteps": args.short, "repeats": args.repeats, "loadAverage": os.getloadavg()[0]}
        for name, (_, _, long_steps) in variants.items():
            steps = long_steps - args.short
            row[name + "WallMsPerStep"] = (best[name]["long"][0] - best[name]["short"][0]) / steps * 1000.0
            row[name + "CpuMsPerStep"] = (best[name]["long"][1] - best[name]["short"][1]) / steps * 1000.0
            row[name + "LongSteps"] = long_steps
        rows.append(row)
        ours = row["oursCpuMsPerStep"]
        print(f"{section:16} cpu ms/step: ours {ours:7.4f}" + "".join(
            f"  {name} {row[name + 'CpuMsPerStep']:7.4f} ({row[name + 'CpuMsPerStep'] / ours:5.2f}x)" for name in names if name != "ours")
            + f"  load {row['loadAverage']:.1f}", flush=True)

    result = {"steps": rows}
    if args.memory:
        memory = []
        for section in MEMORY_SECTIONS:
            peaks = {}
            for steps in (2000, 20000):
                _, _, peak = run([args.examples, section, "--steps", str(steps), "--threads", threads, "--format", "json"], base)
                peaks[steps] = peak
            memory.append({"section": section, "peakKb2000": peaks[2000], "peakKb20000": peaks[20000], "loadAverage": os.getloadavg()[0]})
            print(f"{section:10} VmHWM --steps 2000 {peaks[2000] / 1024:7.1f} MB, --steps 20000 {peaks[20000] / 1024:7.1f} MB: "
                  f"{(peaks[20000] - peaks[2000]) / 1024:+.1f} MB", flush=True)
        result["memory"] = memory
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
