#!/usr/bin/python3
"""Regenerate the PyTorch parity references under tests/Parity/references/.

Runs each tutorial script in tests/Parity/scripts/ once per option set with real PyTorch, on each of two BLAS
libraries, and writes references/<section>.<set>.json (Debian's reference BLAS) and
references/openblas/<section>.<set>.json (OpenBLAS); see README.md for the schema and why both.

Run from anywhere with Debian's interpreter (which has python3-torch):

    /usr/bin/python3 tests/Parity/generate_references.py                     # every section, both BLAS libraries
    /usr/bin/python3 tests/Parity/generate_references.py --only poly-nn,poly-optim --blas openblas

--only regenerates just the named sections, --blas just one library; every other reference is left as it is.
The BLAS library is chosen per run by LD_LIBRARY_PATH, whatever the system's libblas.so.3 alternative points to,
and checked: each run's library is read from /proc/self/maps of a probe process started the same way.

Fails loudly (non-zero exit, nothing written) if a script exits non-zero, prints anything
other than `t loss` lines (and, for the polynomial scripts, one final `Result: y = ...` line),
prints the wrong number of lines or steps out of order, or produces a non-finite loss.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
import time

import torch

import blas_libraries   # beside this script

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SCRIPTS_DIR = os.path.join(HERE, "scripts")
REFERENCES_DIR = os.path.join(HERE, "references")

# section name (as in the C# examples) -> (script file, the script's own learning rate)
SECTIONS = [
    ("tensors", "two_layer_net_tensor.py", 1e-6),
    ("autograd", "two_layer_net_autograd.py", 1e-6),
    ("custom-function", "two_layer_net_custom_function.py", 1e-6),
    ("nn", "two_layer_net_nn.py", 1e-4),
    ("optim", "two_layer_net_optim.py", 1e-4),
    ("module", "two_layer_net_module.py", 1e-4),
    ("dynamic", "dynamic_net.py", 1e-4),
]

DEFAULTS = dict(seed=0, steps=500, batch=64, input=1000, hidden=100, output=10, threads=1, dtype="float32")

# option set name -> function(script lr) -> full options (lr always explicit)
OPTION_SETS = [
    ("defaults", lambda lr: dict(DEFAULTS, lr=lr)),
    ("small", lambda lr: dict(DEFAULTS, steps=300, batch=16, input=50, hidden=20, output=5, lr=lr)),
    ("seed7", lambda lr: dict(DEFAULTS, seed=7, lr=lr)),
    ("lr", lambda lr: dict(DEFAULTS, lr=0.5 * lr)),
    # The defaults in float64: same algorithm, without float32 round-off, so any deviation is a real difference.
    ("float64", lambda lr: dict(DEFAULTS, dtype="float64", lr=lr)),
]

OPTION_ORDER = ["seed", "steps", "batch", "input", "hidden", "output", "lr", "threads", "dtype"]

# The current tutorial: y = sin(x) by a third-order polynomial. No sizes; each script prints `t loss` when
# t % log_every == log_every - 1 (the tutorial's 100, or 2000 for dynamic_net.py), then one `Result: y = ...` line.
# section -> (script file, the script's own learning rate, its steps, its log interval, recorded log interval)
# References record every step (--log-every 1) so the C# port is checked step by step, except poly-dynamic, recorded
# as the tutorial prints it (every 2000th of 30000 steps). Its extra terms are drawn by Python's `random`, which the
# C# port reproduces (TorchTutorial.Python.PythonRandom), so its printed steps are compared too.
POLY_SECTIONS = [
    ("poly-tensor", "polynomial_tensor.py", 1e-6, 2000, 100, 1),
    ("poly-autograd", "polynomial_autograd.py", 1e-5, 5000, 100, 1),
    ("poly-autograd-sin", "polynomial_autograd_sin.py", 1e-6, 2000, 100, 1),
    ("poly-custom-function", "polynomial_custom_function.py", 5e-6, 2000, 100, 1),
    ("poly-nn", "polynomial_nn.py", 1e-6, 2000, 100, 1),
    ("poly-optim", "polynomial_optim.py", 1e-3, 2000, 100, 1),
    ("poly-module", "polynomial_module.py", 1e-6, 2000, 100, 1),
    ("poly-dynamic", "polynomial_dynamic_net.py", 1e-8, 30000, 2000, 2000),
]

# option set name -> function(script lr, script steps, recorded log interval) -> full options (lr always explicit)
POLY_OPTION_SETS = [
    ("defaults", lambda lr, steps, log: dict(seed=0, steps=steps, lr=lr, threads=1, dtype="float32", log_every=log)),
    ("seed7", lambda lr, steps, log: dict(seed=7, steps=steps, lr=lr, threads=1, dtype="float32", log_every=log)),
    ("lr", lambda lr, steps, log: dict(seed=0, steps=steps, lr=0.5 * lr, threads=1, dtype="float32", log_every=log)),
    ("float64", lambda lr, steps, log: dict(seed=0, steps=steps, lr=lr, threads=1, dtype="float64", log_every=log)),
]

# Sets recorded for poly-dynamic (its printed steps only) -> steps (None: the script's 30000). seed7 and float64 stop at
# 10000 (five printed lines and the Result line): a wrong seed, draw or precision shows by the first printed loss, and
# the whole 30000 steps are checked once, at the defaults.
POLY_DYNAMIC_SETS = {"defaults": None, "seed7": 10000, "float64": 10000}

# Today's polynomial_autograd.py prints its own lines (`Using cpu device`, then `Iteration t = ...` every 100th step)
# instead of `t loss`: its script takes --losses-every for the recorded losses, keeps the tutorial's print interval, and
# the reference keeps those lines ("printed"). PyTorch 1.13 lacks torch.accelerator and torch.set_default_device; the
# script replaces them by --device and device= on each tensor, and the reference says so ("replaced").
OWN_LINES = {
    "poly-autograd": "torch.accelerator by --device cpu; torch.set_default_device(device) by device=device on each "
                     "tensor (PyTorch 1.13 has neither)",
}

# The lines such a script prints besides `t loss`.
OWN_LINE = re.compile(r"^(Using \S+ device|Iteration t = .*)$")

POLY_OPTION_ORDER = ["seed", "steps", "lr", "threads", "dtype", "log_every"]

# The line the polynomial scripts print after their loop.
RESULT_LINE = re.compile(r"^Result: y = \S.*$")

# `print(t, loss.item())`: an integer, one space, a Python float repr.
LINE = re.compile(r"^(\d+) (\S+)$")


# BLAS name -> the folder its references go to. Which BLAS a run uses, and the check of it: blas_libraries.py.
OUTPUT_FOLDERS = {"reference": REFERENCES_DIR, "openblas": os.path.join(REFERENCES_DIR, "openblas")}


class GenerationError(Exception):
    pass


def command_for(script, options, order=OPTION_ORDER):
    """The exact argv, with paths relative to the repository root (the subprocess's cwd)."""
    argv = [sys.executable, os.path.relpath(os.path.join(SCRIPTS_DIR, script), REPO_ROOT)]
    for name in order:
        value = options[name]
        argv += ["--" + name.replace("_", "-"), value if isinstance(value, str) else repr(value)]
    return argv


def parse_losses(where, stdout, steps, log_every=1):
    lines = stdout.splitlines()
    logged = [t for t in range(steps) if t % log_every == log_every - 1]
    if len(lines) != len(logged):
        raise GenerationError(f"{where}: expected {len(logged)} lines, got {len(lines)}")
    losses = []
    for i, (expected_t, line) in enumerate(zip(logged, lines)):
        match = LINE.match(line)
        if not match:
            raise GenerationError(f"{where}: line {i + 1} is not a `t loss` line: {line!r}")
        t = int(match.group(1))
        if t != expected_t:
            raise GenerationError(f"{where}: line {i + 1} has step {t}, expected {expected_t}")
        try:
            loss = float(match.group(2))
        except ValueError:
            raise GenerationError(f"{where}: line {i + 1} has no float loss: {line!r}")
        if not math.isfinite(loss):
            raise GenerationError(f"{where}: step {t} loss is {loss!r}; pick a safer option set")
        losses.append(loss)
    if losses[-1] >= losses[0]:
        raise GenerationError(f"{where}: loss did not fall ({losses[0]!r} -> {losses[-1]!r})")
    return losses


def environment(blas, threads):
    return blas_libraries.environment(blas, dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads)))


def probe_blas(blas):
    """The BLAS library files torch loads under `blas`'s environment; fails unless all come from its directory."""
    try:
        return blas_libraries.probe(blas, environment(blas, 1), REPO_ROOT)
    except blas_libraries.BlasProbeError as e:
        raise GenerationError(str(e)) from None


def execute(where, argv, threads, blas):
    env = environment(blas, threads)
    proc = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise GenerationError(f"{where}: {' '.join(argv)} exited {proc.returncode}\n{proc.stderr}")
    if proc.stderr.strip():
        raise GenerationError(f"{where}: unexpected stderr:\n{proc.stderr}")
    return proc.stdout


def run(section, script, set_name, options, generated, blas):
    where = f"{section}.{set_name} ({blas['name']})"
    argv = command_for(script, options)
    losses = parse_losses(where, execute(where, argv, options["threads"], blas["name"]), options["steps"])
    return {
        "section": section,
        "set": set_name,
        "script": script,
        "options": {name: options[name] for name in OPTION_ORDER},
        "command": f"LD_LIBRARY_PATH={blas_libraries.LIBRARIES[blas['name']][0]} " + " ".join(argv),
        "blas": blas,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "generated": generated,
        "losses": losses,
    }


def run_poly(section, script, set_name, options, generated, step_comparable, blas):
    """A polynomial script: the logged `t loss` lines (and, for OWN_LINES, its own lines), then its `Result: y = ...` line."""
    where = f"{section}.{set_name} ({blas['name']})"
    argv = command_for(script, options, POLY_OPTION_ORDER)
    own = section in OWN_LINES
    if own:
        # Its --log-every is the tutorial's print interval; the recorded losses come from --losses-every.
        argv[argv.index("--log-every")] = "--losses-every"
        argv += ["--device", "cpu"]
    lines = execute(where, argv, options["threads"], blas["name"]).splitlines()
    if not lines or not RESULT_LINE.match(lines[-1]):
        raise GenerationError(f"{where}: the last line is not `Result: y = ...`: {lines[-1] if lines else ''!r}")
    # One pass: the script's own lines (OWN_LINES only) and the recorded `t loss` lines, each in its order.
    printed, logged = [], []
    for line in lines[:-1]:
        (printed if own and OWN_LINE.match(line) else logged).append(line)
    if own and (len(printed) != 1 + options["steps"] // 100 or printed[0] != "Using cpu device"):
        raise GenerationError(f"{where}: expected `Using cpu device` and {options['steps'] // 100} `Iteration` lines, got {len(printed)} lines")
    losses = parse_losses(where, "\n".join(logged), options["steps"], options["log_every"])
    extra = {"printed": printed, "replaced": OWN_LINES[section]} if own else {}
    return {
        "section": section,
        "set": set_name,
        "script": script,
        "options": {name: options[name] for name in POLY_OPTION_ORDER},
        "command": f"LD_LIBRARY_PATH={blas_libraries.LIBRARIES[blas['name']][0]} " + " ".join(argv),
        "blas": blas,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "generated": generated,
        # False for poly-dynamic: only its printed steps are recorded.
        "step_comparable": step_comparable,
        "losses": losses,
        "result": lines[-1],
        **extra,
    }


def jobs():
    """(section, set, generate) for every reference, in order; generate(date) runs the script and returns the document."""
    for section, script, script_lr in SECTIONS:
        for set_name, make_options in OPTION_SETS:
            yield section, set_name, lambda g, b, s=section, sc=script, n=set_name, o=make_options(script_lr): run(s, sc, n, o, g, b)
    for section, script, script_lr, steps, _tutorial_log_every, recorded_log_every in POLY_SECTIONS:
        comparable = recorded_log_every == 1
        for set_name, make_options in POLY_OPTION_SETS:
            if not comparable and set_name not in POLY_DYNAMIC_SETS:
                continue
            options = make_options(script_lr, steps if comparable else POLY_DYNAMIC_SETS[set_name] or steps, recorded_log_every)
            yield section, set_name, lambda g, b, s=section, sc=script, n=set_name, o=options, c=comparable: run_poly(s, sc, n, o, g, c, b)


def main():
    parser = argparse.ArgumentParser(description="Regenerate tests/Parity/references from real PyTorch.")
    parser.add_argument("--only", metavar="SECTION[,SECTION]",
                        help="regenerate only these sections (C# names, e.g. poly-nn,poly-optim); the other references are not touched")
    parser.add_argument("--blas", choices=["both"] + list(blas_libraries.LIBRARIES), default="both",
                        help="record on this BLAS library only (default: both, each into its own folder)")
    args = parser.parse_args()
    libraries = list(blas_libraries.LIBRARIES) if args.blas == "both" else [args.blas]
    known = [s[0] for s in SECTIONS] + [s[0] for s in POLY_SECTIONS]
    only = None
    if args.only:
        only = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in only if name not in known]
        if unknown or not only:
            raise GenerationError(f"--only: unknown section(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(known)}")

    started = time.monotonic()
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    documents = []
    for name in libraries:
        blas = {"name": name, "libraries": probe_blas(name)}
        print(f"{name} BLAS: {', '.join(blas['libraries'])}", file=sys.stderr)
        for section, set_name, generate in jobs():
            if only is not None and section not in only:
                continue
            t0 = time.monotonic()
            doc = generate(generated, blas)
            documents.append(doc)
            losses = doc["losses"]
            print(f"{section}.{set_name} ({name}): {len(losses)} losses, {losses[0]!r} -> {losses[-1]!r} "
                  f"({time.monotonic() - t0:.1f}s)", file=sys.stderr)
    # Write only once every run has succeeded.
    for doc in documents:
        folder = OUTPUT_FOLDERS[doc["blas"]["name"]]
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{doc['section']}.{doc['set']}.json")
        with open(path, "w", encoding="utf-8") as f:
            # json.dumps writes each float as its shortest round-trip repr.
            f.write(json.dumps(doc, indent=1, allow_nan=False))
            f.write("\n")
    print(f"wrote {len(documents)} files under {os.path.relpath(REFERENCES_DIR, REPO_ROOT)} "
          f"in {time.monotonic() - started:.1f}s (torch {torch.__version__})", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except GenerationError as e:
        print(f"generate_references.py: error: {e}", file=sys.stderr)
        sys.exit(1)
