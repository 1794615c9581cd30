#!/usr/bin/env python3
"""Puts faults into a scratch clone of the repository, one at a time, and checks that the tests catch each.

    python3 tests/faults/inject_faults.py              # every fault, each with the test filter that should catch it
    python3 tests/faults/inject_faults.py --full       # every fault against the whole `dotnet test -c Release`
    python3 tests/faults/inject_faults.py relu-bypass  # the named faults only

A fault is one exact text replacement in one file. The clone is made once (git clone of HEAD), built once, and each
fault is applied, built (incrementally), tested, and reverted. A fault the tests do not catch is reported as MISSED and
the script exits 1. Nothing is changed in the working tree this script is run from.
"""
import argparse
import os
import subprocess
import sys
import tempfile

# name, file, old text, new text, test filter (dotnet test --filter) that must fail
FAULTS = [
    ("relu-bypass", "examples/TorchTutorial.Examples/Sections/CustomFunctionSection.cs",
     "relu = input => MyReLU.apply(input);", "relu = input => input.clamp(min: 0);",
     "FullyQualifiedName~CustomFunctionsRunTests"),
    ("legendre-bypass", "examples/TorchTutorial.Examples/Sections/PolyCustomFunctionSection.cs",
     "P3 = input => LegendrePolynomial3.apply(input);", "P3 = input => 0.5 * (5 * input.pow(3) - 3 * input);",
     "FullyQualifiedName~CustomFunctionsRunTests"),
    ("relu-backward-off", "src/TorchTutorial/Functions/MyReLU.cs",
     "grad_input.masked_fill_(input < 0, 0);", "grad_input.masked_fill_(input < 0, 0).mul_(1.001);",
     "FullyQualifiedName~MyReLU"),
    ("legendre-backward-off", "src/TorchTutorial/Functions/LegendrePolynomial3.cs",
     "grad_output * 1.5 * (5 * input.pow(2) - 1)", "grad_output * 1.5 * (5 * input.pow(2) - 1.001)",
     "FullyQualifiedName~Legendre"),
    ("auto-always-cpu", "src/TorchTutorial/Devices/DeviceSelection.cs",
     "return cuda.IsAvailable && cuda.DeviceCount > 0 ? new torch.Device(DeviceType.CUDA, 0) : torch.CPU;", "return torch.CPU;",
     "FullyQualifiedName~DeviceSelectionTests"),
    ("comparison-always-zero", "src/TorchTutorial/Training/LossComparison.cs",
     "double deviation = Math.Abs(actual[step] - expected) / Math.Abs(expected);", "double deviation = 0 * Math.Abs(actual[step] - expected);",
     "FullyQualifiedName~LossComparison|FullyQualifiedName~ExampleProgramTests"),
    ("scope-dropped", "src/TorchTutorial/Training/TrainingLoop.cs",
     "using (NewDisposeScope())", "using (new MemoryStream())",
     "FullyQualifiedName~ReleasesEveryTensor|FullyQualifiedName~TrainingLoopTests"),
    ("divergence-guard-off", "src/TorchTutorial/Training/TrainingLoop.cs",
     "if (!double.IsFinite(loss))", "if (double.IsNaN(loss) && false)",
     "FullyQualifiedName~TrainingLoopTests|FullyQualifiedName~ExampleProgramTests"),
    ("hand-gradient-off", "examples/TorchTutorial.Examples/Sections/TensorsSection.cs",
     "var grad_w2 = h_relu.t().mm(grad_y_pred);", "var grad_w2 = h_relu.t().mm(grad_y_pred) * 1.0001;",
     "FullyQualifiedName~HandWrittenGradientTests|FullyQualifiedName~PyTorchParityTests"),
    ("poly-hand-gradient-off", "examples/TorchTutorial.Examples/Sections/PolyTensorSection.cs",
     "var grad_c = (grad_y_pred * x.pow(2)).sum();", "var grad_c = (grad_y_pred * x.pow(2)).sum() * 1.0001;",
     "FullyQualifiedName~PolySectionTests|FullyQualifiedName~PyTorchParityTests"),
    ("optim-lr-changed", "examples/TorchTutorial.Examples/Sections/SectionCatalog.cs",
     'TwoLayerNet, Train(500,   1e-4, every: 1),    true,  OptimSection.Run', 'TwoLayerNet, Train(500,   2e-4, every: 1),    true,  OptimSection.Run',
     "FullyQualifiedName~PyTorchParityTests|FullyQualifiedName~SectionCatalogTests"),
    ("legendre-init-changed", "examples/TorchTutorial.Examples/Sections/PolyCustomFunctionSection.cs",
     "var d = full([], 0.3,", "var d = full([], 0.31,",
     "FullyQualifiedName~PyTorchParityTests"),
    ("static-graph-loss-changed", "examples/TorchTutorial.Examples/Sections/StaticGraphSection.cs",
     "return (y_pred - y).pow(2).sum()", "return (y_pred - y).pow(2).sum() * 1.0",
     None),  # a no-op: must NOT be caught (checks the script itself); see --self-check
    ("dynamic-depth-range", "src/TorchTutorial/Modules/DynamicNet.cs",
     "MaxMiddleRepeats = 3;", "MaxMiddleRepeats = 2;",
     "FullyQualifiedName~DynamicNet|FullyQualifiedName~PyTorchParityTests"),
    ("pickle-scan-off", "src/TorchTutorial.Checkpoints/PickleReader.cs",
     "PickleSafetyScanner.Scan(pickle);", "// PickleSafetyScanner.Scan(pickle);",
     "FullyQualifiedName~PickleSafety"),
]


def run(command, cwd, quiet=True):
    result = subprocess.run(command, cwd=cwd, shell=True, capture_output=quiet, text=True)
    return result.returncode, (result.stdout or "") + (result.stderr or "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="faults to put in (default: all)")
    parser.add_argument("--full", action="store_true", help="run the whole test command for each fault")
    args = parser.parse_args()

    root = subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip()
    faults = [f for f in FAULTS if not args.names or f[0] in args.names]
    scratch = tempfile.mkdtemp(prefix="torchtutorial-faults-")
    clone = os.path.join(scratch, "repo")
    subprocess.check_call(["git", "clone", "-q", root, clone])
    code, log = run("dotnet build TorchTutorial.sln -c Release -nologo -v:q", clone)
    if code != 0:
        print(log)
        sys.exit("the clean clone does not build")

    missed = []
    for name, path, old, new, test_filter in faults:
        file = os.path.join(clone, path)
        text = open(file, encoding="utf-8").read()
        if text.count(old) != 1:
            print(f"{name:28} SKIPPED: the text to replace occurs {text.count(old)} times in {path}")
            missed.append(name)
            continue
        open(file, "w", encoding="utf-8").write(text.replace(old, new))
        try:
            code, log = run("dotnet build TorchTutorial.sln -c Release -nologo -v:q", clone)
            if code != 0:
                verdict = "caught by the build"
            else:
                # A filter leaves most test apps with no test to run, which Microsoft.Testing.Platform reports as exit code 8.
                selection = "" if args.full or test_filter is None else f' --filter "{test_filter}" --ignore-exit-code 8'
                code, log = run(f"dotnet test --solution TorchTutorial.sln -c Release --no-build{selection}", clone)
                failed = [line.strip() for line in log.splitlines() if line.strip().startswith("failed ")]
                if test_filter is None:
                    verdict = "not caught, as expected (no-op fault)" if code == 0 else "CAUGHT, but it is a no-op: a test is too strict"
                    if code != 0:
                        missed.append(name)
                elif code != 0:
                    verdict = f"caught by {len(failed)} test(s): " + "; ".join(failed[:3])
                else:
                    verdict = "MISSED"
                    missed.append(name)
            print(f"{name:28} {verdict}", flush=True)
        finally:
            open(file, "w", encoding="utf-8").write(text)

    print(f"{len(faults) - len(missed)} of {len(faults)} faults behaved as expected; clone left in {clone}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
