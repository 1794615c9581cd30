# -*- coding: utf-8 -*-
"""PyTorch side by side: time per step of the note's scripts in Debian's PyTorch and of the C# examples program.

Run with Debian's interpreter (/usr/bin/python3), from run-benchmarks.sh. Each program runs as a whole process with a
short and a long step count, REPEATS times each; time per step is (fastest long run - fastest short run) / (long - short),
so interpreter start-up, `import torch`, .NET start-up and libtorch loading cancel out. Both print every step (the
scripts' `print(t, loss.item())`; the C# program with --format tutorial prints the same lines) to /dev/null.
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


def fastest(cmd, repeats, env):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def per_step_ms(make_cmd, short, long, repeats, env):
    t_short = fastest(make_cmd(short), repeats, env)
    t_long = fastest(make_cmd(long), repeats, env)
    return (t_long - t_short) / (long - short) * 1000.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--examples", required=True, help="the C# examples program (app host)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--short", type=int, default=20)
    parser.add_argument("--long", type=int, default=220)
    parser.add_argument("--cs-long", type=int, default=2020)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    rows = []
    for section, script in SCRIPTS:
        path = os.path.join(args.repo, "tests", "Parity", "scripts", script)
        py = per_step_ms(lambda n: ["/usr/bin/python3", path, "--steps", str(n), "--threads", str(args.threads)],
                         args.short, args.long, args.repeats, env)
        cs = per_step_ms(lambda n: [args.examples, section, "--steps", str(n), "--threads", str(args.threads), "--format", "tutorial"],
                         args.short, args.cs_long, args.repeats, env)
        rows.append({
            "section": section, "script": script,
            "pytorchMsPerStep": py, "csharpCliMsPerStep": cs,
            "shortSteps": args.short, "longSteps": args.long, "csharpLongSteps": args.cs_long, "repeats": args.repeats,
        })
        print(f"{section:16} PyTorch {py:8.3f} ms/step   C# {cs:7.4f} ms/step   ratio {py / cs:6.1f}", flush=True)
    with open(args.out, "w") as f:
        json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
