# -*- coding: utf-8 -*-
"""The two BLAS libraries Debian's PyTorch is run on, each chosen per process by LD_LIBRARY_PATH, and the probe that
checks which one torch really loaded. Shared by generate_references.py (the parity references) and
tests/TorchTutorial.Benchmarks/pytorch_steps.py (the PyTorch columns of the benchmark report).

Debian's libblas.so.3 is an alternative (update-alternatives) that installing OpenBLAS switches to OpenBLAS, so neither
library is left to the system's choice.
"""
import subprocess
import sys

# BLAS name -> (LD_LIBRARY_PATH that selects it, the directory its files must be loaded from).
LIBRARIES = {
    "reference": ("/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack", "/usr/lib/x86_64-linux-gnu/blas/"),
    "openblas": ("/usr/lib/x86_64-linux-gnu/openblas-openmp", "/usr/lib/x86_64-linux-gnu/openblas-openmp/"),
}

# Prints the BLAS libraries torch has loaded: every mapped file whose name has "blas" in it.
PROBE = ("import torch\n"
         "print('\\n'.join(sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.split()[-1]})))")


class BlasProbeError(Exception):
    pass


def environment(name, base):
    """base with the LD_LIBRARY_PATH that selects BLAS `name`."""
    return dict(base, LD_LIBRARY_PATH=LIBRARIES[name][0])


def probe(name, env, cwd=None):
    """The BLAS library files torch loads under env (made by environment(name, ...)); fails unless all come from
    `name`'s directory."""
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BlasProbeError(f"BLAS probe ({name}) exited {proc.returncode}\n{proc.stderr}")
    files = proc.stdout.split()
    directory = LIBRARIES[name][1]
    if not files or any(not f.startswith(directory) for f in files):
        raise BlasProbeError(f"BLAS probe ({name}): torch loaded {files or 'no BLAS'}, expected files under {directory}")
    return files
