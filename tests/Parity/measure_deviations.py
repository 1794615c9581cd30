#!/usr/bin/python3
"""Measure, step by step, how far the C# port is from PyTorch on the reference BLAS, and how far PyTorch on
OpenBLAS is from PyTorch on the reference BLAS: the figures behind the tolerance rule in README.md.

    dotnet build examples/TorchTutorial.Examples -c Release
    /usr/bin/python3 tests/Parity/measure_deviations.py [--k 8] [--adam-k 32] [--floor32 2e-5] [--floor64 1e-13] [--only SECTION,...]

For every step-comparable reference with an OpenBLAS twin it runs the examples program with the reference's options
(`--format tutorial --log-every 1`, one thread), then prints per reference: steps, steps compared under the old rule
(reference loss above 1e-7 of the first), the worst C#-vs-reference deviation, the worst OpenBLAS-vs-reference
deviation, the k each needs (the largest C# deviation / BLAS spread so far, over the steps above the floor), and the
worst ratio of deviation to allowance under the rule of tests/Shared/BlasSpreadRule.cs (mirrored
here; the C# test is what CI runs).
The C# runs are cached under --cache (default /tmp/parity-csharp), keyed by the command line.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
REFERENCES = os.path.join(HERE, "references")
EXAMPLES = os.path.join(REPO_ROOT, "examples", "TorchTutorial.Examples", "bin", "Release", "net10.0", "TorchTutorial.Examples.dll")
OLD_FLOOR = 1e-7
ADAM_SECTIONS = {"optim"}
# Sections held to the old bounds over their first steps only (float32, float64): PyTorchParityTests.AmplifyingSections.
CAPPED_STEPS = {"poly-optim": (1000, 150)}


def csharp_losses(doc, cache):
    o = doc["options"]
    argv = ["dotnet", EXAMPLES, doc["section"], "--seed", str(o["seed"]), "--steps", str(o["steps"]), "--lr", repr(o["lr"]),
            "--dtype", o["dtype"], "--threads", "1", "--format", "tutorial", "--log-every", str(o.get("log_every", 1))]
    for name in ("batch", "input", "hidden", "output"):
        if name in o:
            argv += ["--" + name, str(o[name])]
    key = hashlib.sha1(" ".join(argv).encode()).hexdigest()[:16]
    path = os.path.join(cache, key + ".txt")
    if not os.path.exists(path):
        out = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
        with open(path, "w") as f:
            f.write(out)
    with open(path) as f:
        return [float(line.split()[1]) for line in f if not line.startswith("Result")]


def relative(a, b):
    return abs(a - b) / abs(b) if b != 0 else (0.0 if a == b else float("inf"))


def allowed(t, spread, float64, capped, k, floor32, floor64):
    a = max(k * spread, floor64 if float64 else floor32)
    if not capped:
        return a
    return min(a, 1e-10 if float64 else 1e-4 if t < 100 else 1e-3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=float, default=8)
    parser.add_argument("--adam-k", type=float, default=32)
    parser.add_argument("--floor32", type=float, default=2e-5)
    parser.add_argument("--floor64", type=float, default=1e-13)
    parser.add_argument("--only")
    parser.add_argument("--cache", default="/tmp/parity-csharp")
    args = parser.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    only = args.only.split(",") if args.only else None
    print(f"{'reference':30} {'steps':>5} {'old':>4} {'C# worst':>9} {'OB worst':>9} {'k needed':>8} {'worst ratio':>11} at")
    for name in sorted(os.listdir(REFERENCES)):
        if not name.endswith(".json"):
            continue
        ob_path = os.path.join(REFERENCES, "openblas", name)
        with open(os.path.join(REFERENCES, name)) as f:
            ref = json.load(f)
        if only and ref["section"] not in only or not os.path.exists(ob_path) or ref.get("step_comparable") is False:
            continue
        with open(ob_path) as f:
            ob = json.load(f)
        cs = csharp_losses(ref, args.cache)
        r, o = ref["losses"], ob["losses"]
        assert len(r) == len(o) == len(cs), name
        float64 = ref["options"]["dtype"] == "float64"
        floor = args.floor64 if float64 else args.floor32
        k = args.adam_k if ref["section"] in ADAM_SECTIONS else args.k
        capped_steps = CAPPED_STEPS.get(ref["section"], (len(r), len(r)))[1 if float64 else 0]
        spread, old, worst, worst_t, need = 0.0, 0, 0.0, -1, 0.0
        for t in range(len(r)):
            spread = max(spread, relative(o[t], r[t]))
            above = abs(r[t]) > abs(r[0]) * OLD_FLOOR
            old += above
            d = relative(cs[t], r[t])
            if d > floor:
                need = max(need, d / spread if spread else float("inf"))
            ratio = d / allowed(t, spread, float64, above and t < capped_steps, k, args.floor32, args.floor64)
            if ratio > worst:
                worst, worst_t = ratio, t
        d_cs = [relative(c, x) for c, x in zip(cs, r)]
        d_ob = [relative(y, x) for y, x in zip(o, r)]
        print(f"{name[:-5]:30} {len(r):5} {old:4} {max(d_cs):9.2e} {max(d_ob):9.2e} {need:8.2f} {worst:11.3f} {worst_t}")


if __name__ == "__main__":
    main()
