#!/usr/bin/python3
"""Regenerate the PyTorch parity references under tests/Parity/references/.

Runs each tutorial script in tests/Parity/scripts/ once per option set with real PyTorch
and writes references/<section>.<set>.json (see README.md for the schema).

Run from anywhere with Debian's interpreter (which has python3-torch):

    /usr/bin/python3 tests/Parity/generate_references.py

Fails loudly (non-zero exit, nothing written) if a script exits non-zero, prints anything
other than `t loss` lines, prints the wrong number of lines or steps out of order, or
produces a non-finite loss.
"""
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

# `print(t, loss.item())`: an integer, one space, a Python float repr.
LINE = re.compile(r"^(\d+) (\S+)$")


class GenerationError(Exception):
    pass


def command_for(script, options):
    """The exact argv, with paths relative to the repository root (the subprocess's cwd)."""
    argv = [sys.executable, os.path.relpath(os.path.join(SCRIPTS_DIR, script), REPO_ROOT)]
    for name in OPTION_ORDER:
        value = options[name]
        argv += ["--" + name, value if isinstance(value, str) else repr(value)]
    return argv


def parse_losses(where, stdout, steps):
    lines = stdout.splitlines()
    if len(lines) != steps:
        raise GenerationError(f"{where}: expected {steps} lines, got {len(lines)}")
    losses = []
    for expected_t, line in enumerate(lines):
        match = LINE.match(line)
        if not match:
            raise GenerationError(f"{where}: line {expected_t + 1} is not a `t loss` line: {line!r}")
        t = int(match.group(1))
        if t != expected_t:
            raise GenerationError(f"{where}: line {expected_t + 1} has step {t}, expected {expected_t}")
        try:
            loss = float(match.group(2))
        except ValueError:
            raise GenerationError(f"{where}: line {expected_t + 1} has no float loss: {line!r}")
        if not math.isfinite(loss):
            raise GenerationError(f"{where}: step {t} loss is {loss!r}; pick a safer option set")
        losses.append(loss)
    if losses[-1] >= losses[0]:
        raise GenerationError(f"{where}: loss did not fall ({losses[0]!r} -> {losses[-1]!r})")
    return losses


def run(section, script, set_name, options, generated):
    where = f"{section}.{set_name}"
    argv = command_for(script, options)
    env = dict(os.environ, OMP_NUM_THREADS=str(options["threads"]), MKL_NUM_THREADS=str(options["threads"]))
    proc = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise GenerationError(f"{where}: {' '.join(argv)} exited {proc.returncode}\n{proc.stderr}")
    if proc.stderr.strip():
        raise GenerationError(f"{where}: unexpected stderr:\n{proc.stderr}")
    losses = parse_losses(where, proc.stdout, options["steps"])
    return {
        "section": section,
        "set": set_name,
        "script": script,
        "options": {name: options[name] for name in OPTION_ORDER},
        "command": " ".join(argv),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "generated": generated,
        "losses": losses,
    }


def main():
    started = time.monotonic()
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    documents = []
    for section, script, script_lr in SECTIONS:
        for set_name, make_options in OPTION_SETS:
            t0 = time.monotonic()
            doc = run(section, script, set_name, make_options(script_lr), generated)
            documents.append(doc)
            losses = doc["losses"]
            print(f"{section}.{set_name}: {len(losses)} steps, {losses[0]!r} -> {losses[-1]!r} "
                  f"({time.monotonic() - t0:.1f}s)", file=sys.stderr)
    # Write only once every run has succeeded.
    os.makedirs(REFERENCES_DIR, exist_ok=True)
    for doc in documents:
        path = os.path.join(REFERENCES_DIR, f"{doc['section']}.{doc['set']}.json")
        with open(path, "w", encoding="utf-8") as f:
            # json.dumps writes each float as its shortest round-trip repr.
            f.write(json.dumps(doc, indent=1, allow_nan=False))
            f.write("\n")
    print(f"wrote {len(documents)} files to {os.path.relpath(REFERENCES_DIR, REPO_ROOT)} "
          f"in {time.monotonic() - started:.1f}s (torch {torch.__version__})", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except GenerationError as e:
        print(f"generate_references.py: error: {e}", file=sys.stderr)
        sys.exit(1)
