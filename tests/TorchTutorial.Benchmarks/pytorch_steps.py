# -*- coding: utf-8 -*-
"""Side by side, in one run: the C# examples program (ours), the tutorial's file-based app (tutorial/X.cs: the same
script as a plain loop on TorchSharp, raw TorchSharp), Debian's PyTorch on the reference BLAS
(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack) and the same PyTorch on OpenBLAS
(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp), per section; for optim also ours with --fused. Each BLAS is
chosen by LD_LIBRARY_PATH, as tests/Parity/generate_references.py chooses it, because Debian's libblas.so.3 is an
alternative that installing OpenBLAS switches to OpenBLAS; a probe checks that torch loads each from its directory and
the result records the files it loaded.
The sections come from the workbench's one list (SectionCatalog, through the benchmark program's `catalog` mode): every
training section of the two-layer series whose script has a PyTorch copy in tests/Parity/scripts and an app in tutorial/.

OpenBLAS runs twice: as installed (its own CPU detection), and with OPENBLAS_CORETYPE set to the best kernel set this
CPU's flags allow. On a virtual CPU whose model OpenBLAS 0.3.21 does not know, its detection falls back to Prescott's
SSE3 kernels (OPENBLAS_VERBOSE=2 says "Core: Prescott"), about a quarter of the AVX-512 kernels' speed: the tuned run is
the strongest PyTorch peer on such a machine, and the one the goal is judged against.

Run with Debian's interpreter (/usr/bin/python3), from run-benchmarks.sh. Every program runs as a whole process with a
short and a long step count, so that interpreter start-up, `import torch`, .NET start-up and libtorch loading cancel out.
The variants of a section are interleaved: each repeat runs all of them once, in an order that rotates, so that a change
of machine load hits all alike. Time is the child's CPU time (user + system, from wait4's rusage: with one libtorch
thread, the step's own thread plus the runtime's background threads), which a busy machine disturbs far less than
wall-clock time; wall-clock time is recorded too.

The estimate, per variant: start-up is the median of its short runs; each repeat's long run gives one time per step,
(long - start-up) / (long steps - short steps); the variant's figure is the median of those. The ratios against ours
are paired: in each repeat, the peer's time per step over ours from the same repeat (minutes apart at most), and the
ratio reported is the median of those per-repeat ratios, with their range. The examples program and PyTorch on OpenBLAS
run the same long step count (2020; the apps their script's 500), so one start-up's noise (tens of milliseconds for `import torch`) is spread over 2000
steps; the reference BLAS, ten times slower, runs 220.
Scripts print every step (`print(t, loss.item())`; the C# program with --format tutorial and the apps print the same
lines) to /dev/null.

The apps train their script's own number of steps (500) and take no options, so an app's short and long runs are the
same program stopped early: it is killed (SIGKILL) as soon as it has printed its `short`-th line, or its last line,
and the CPU time is what it used until then (wait4's rusage). Both runs are cut the same way, so the reaction time of the
kill and the start-up cancel like the others' start-up; the app's exit is in neither. The apps are built once, in
Release, into --apps (`dotnet build tutorial/X.cs -c Release -o DIR`).

--memory also records the peak resident memory (VmHWM, wait4's ru_maxrss) of the examples program at --steps 2000 and
--steps 20000 for optim, autograd, nn and module.
"""
import argparse
import statistics
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Parity"))
import blas_libraries   # tests/Parity/blas_libraries.py: the BLAS table and probe the parity generator uses

MEMORY_SECTIONS = ["optim", "autograd", "nn", "module"]


def best_openblas_core():
    """The OpenBLAS kernel set (OPENBLAS_CORETYPE) for this CPU's flags: Cooperlake, SkylakeX, Haswell or None."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return None
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= set(flags):
        return "Cooperlake" if "avx512_bf16" in flags else "SkylakeX"
    return "Haswell" if {"avx2", "fma"} <= set(flags) else None


def openblas_core(env):
    """The kernel set OpenBLAS picks under env, as OPENBLAS_VERBOSE=2 prints it ("Core: Prescott"), or "?"."""
    out = subprocess.run(["/usr/bin/python3", "-c", "import torch; torch.ones(2, 2) @ torch.ones(2, 2)"],
                         env=dict(env, OPENBLAS_VERBOSE="2"), capture_output=True, text=True)
    cores = [line.split(":", 1)[1].strip() for line in (out.stdout + out.stderr).splitlines() if line.startswith("Core:")]
    return cores[-1] if cores else "?"


def catalog(bench, repo):
    """(section, script, app path, steps) for every training section of the two-layer series (one `t loss` line per step)
    that has a PyTorch script in tests/Parity/scripts and an app in tutorial/, in the catalog's order."""
    sections = json.loads(subprocess.run([bench, "catalog"], check=True, capture_output=True, text=True).stdout)
    rows = []
    for s in sections:
        if s["series"] != "TwoLayerNet" or not s.get("steps") or s.get("logEvery") != 1:
            continue
        script = s["script"]
        app = os.path.join(repo, "tutorial", os.path.splitext(script)[0] + ".cs")
        if os.path.isfile(os.path.join(repo, "tests", "Parity", "scripts", script)) and os.path.isfile(app):
            rows.append((s["name"], script, app, s["steps"]))
    return rows


def build_app(app, apps_dir):
    """Builds tutorial/X.cs in Release into apps_dir/X; returns its app host."""
    name = os.path.splitext(os.path.basename(app))[0]
    out = os.path.join(apps_dir, name)
    subprocess.run(["dotnet", "build", app, "-c", "Release", "-nologo", "-v:q", "-o", out], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, name)


def run_until(cmd, env, lines):
    """Runs cmd, reading its stdout, and kills it as soon as it has printed `lines` lines; returns (wall s, cpu s, peak rss KB)
    up to then."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seen = 0
    while seen < lines and proc.stdout.readline():
        seen += 1
    if seen == lines:
        proc.kill()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    if seen < lines:
        raise RuntimeError(f"{' '.join(cmd)} printed {seen} lines, not {lines} (exit {os.waitstatus_to_exitcode(status)}): {err.strip()[-400:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


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
    parser.add_argument("--bench", required=True, help="the benchmark program (app host), for the catalog")
    parser.add_argument("--apps", required=True, help="where to build the tutorial apps")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--short", type=int, default=20)
    parser.add_argument("--long", type=int, default=220, help="long run of the reference-BLAS PyTorch")
    parser.add_argument("--openblas-long", type=int, default=2020)
    parser.add_argument("--cs-long", type=int, default=2020)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--sections", help="comma-separated: only these of the catalog's sections")
    args = parser.parse_args()
    sections = catalog(args.bench, args.repo)
    if args.sections:
        sections = [row for row in sections if row[0] in args.sections.split(",")]

    base = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    base.pop("LD_LIBRARY_PATH", None)
    base.pop("OPENBLAS_CORETYPE", None)   # "as installed" means OpenBLAS's own choice
    reference = blas_libraries.environment("reference", base)
    openblas = blas_libraries.environment("openblas", base)
    have_openblas = os.path.isdir(blas_libraries.LIBRARIES["openblas"][1])
    libraries = {"referenceBlasFiles": blas_libraries.probe("reference", reference)}
    if have_openblas:
        libraries["openBlasFiles"] = blas_libraries.probe("openblas", openblas)
    print(f"BLAS files: {libraries}", flush=True)
    best_core = best_openblas_core() if have_openblas else None
    tuned = dict(openblas, OPENBLAS_CORETYPE=best_core) if best_core else None
    cores = {}
    if have_openblas:
        cores["openBlasCore"] = openblas_core(openblas)
        if tuned:
            cores["openBlasTunedCore"] = openblas_core(tuned)
        print(f"OpenBLAS kernels: as installed {cores['openBlasCore']}, with OPENBLAS_CORETYPE={best_core} {cores.get('openBlasTunedCore', '-')}", flush=True)
    threads = str(args.threads)
    rows = []
    for section, script, app, app_steps in sections:
        host = build_app(app, args.apps)
        path = os.path.join(args.repo, "tests", "Parity", "scripts", script)
        py = lambda n: ["/usr/bin/python3", path, "--steps", str(n), "--threads", threads]
        cs = lambda extra: (lambda n: [args.examples, section, "--steps", str(n), "--threads", threads, "--format", "tutorial", *extra])
        variants = {
            "ours": (cs([]), base, args.cs_long),
            "torchsharp": (None, base, app_steps),
            "pytorchReference": (py, reference, args.long),
        }
        if have_openblas:
            variants["pytorchOpenBlas"] = (py, openblas, args.openblas_long)
            if tuned:
                variants["pytorchOpenBlasTuned"] = (py, tuned, args.openblas_long)
        if section == "optim":
            variants["oursFused"] = (cs(["--fused"]), base, args.cs_long)
        names = list(variants)
        runs = {name: {"short": [], "long": []} for name in names}   # (wall s, cpu s) per run
        for r in range(args.repeats):
            order = names[r % len(names):] + names[:r % len(names)]
            for length in ("short", "long"):
                for name in order:
                    make, env, long_steps = variants[name]
                    steps = args.short if length == "short" else long_steps
                    wall, cpu, _ = run_until([host], env, steps) if make is None else run(make(steps), env)
                    runs[name][length].append((wall, cpu))

        def per_step(name, which):
            """Per repeat: (long run - median short run) / steps, in ms; which is 0 for wall, 1 for CPU."""
            steps = variants[name][2] - args.short
            startup = statistics.median(x[which] for x in runs[name]["short"])
            return [(x[which] - startup) / steps * 1000.0 for x in runs[name]["long"]]

        row = {"section": section, "script": script, "shortSteps": args.short, "repeats": args.repeats, "loadAverage": os.getloadavg()[0]}
        ours = per_step("ours", 1)
        for name in names:
            cpu, wall = per_step(name, 1), per_step(name, 0)
            row[name + "WallMsPerStep"] = statistics.median(wall)
            row[name + "CpuMsPerStep"] = statistics.median(cpu)
            row[name + "CpuMsPerStepMin"] = min(cpu)
            row[name + "CpuMsPerStepMax"] = max(cpu)
            row[name + "LongSteps"] = variants[name][2]
            if name != "ours":
                paired = [peer / mine for peer, mine in zip(cpu, ours)]
                row[name + "OverOurs"] = statistics.median(paired)
                row[name + "OverOursMin"] = min(paired)
                row[name + "OverOursMax"] = max(paired)
        for peer in ("pytorchOpenBlas", "pytorchOpenBlasTuned"):
            if "oursFused" in names and peer in names:
                paired = [a / b for a, b in zip(per_step(peer, 1), per_step("oursFused", 1))]
                row[peer + "OverOursFused"] = statistics.median(paired)
                row[peer + "OverOursFusedMin"] = min(paired)
                row[peer + "OverOursFusedMax"] = max(paired)
        rows.append(row)
        print(f"{section:16} cpu ms/step: ours {row['oursCpuMsPerStep']:7.4f}" + "".join(
            f"  {name} {row[name + 'CpuMsPerStep']:7.4f} (x{row[name + 'OverOurs']:5.2f} [{row[name + 'OverOursMin']:.2f}, {row[name + 'OverOursMax']:.2f}])"
            for name in names if name != "ours") + f"  load {row['loadAverage']:.1f}", flush=True)

    result = {"steps": rows, "openBlasCoreType": best_core, **cores, **libraries}
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
