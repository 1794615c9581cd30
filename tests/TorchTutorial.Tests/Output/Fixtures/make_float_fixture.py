#!/usr/bin/python3
"""Record CPython's repr(float) for PythonFloatTests: writes python_float_repr.json next to this file.

    /usr/bin/python3 tests/TorchTutorial.Tests/Output/Fixtures/make_float_fixture.py

Each case is [the double's IEEE 754 bits as 16 hex digits, repr(value)]. The values: a few mantissas at every decimal
exponent a double has (the layout switches at 1e-4 and 1e16, and subnormals and the largest doubles have their own
digit counts), random bit patterns, float32 values widened to double (what loss.item() returns), and whole numbers
around 1e15 to 1e17, where the integer digits run out.
"""
import json
import math
import os
import platform
import random
import struct

MANTISSAS = ["1", "9.999999999999999", "1.2345678901234567"]


def bits(value):
    return format(struct.unpack("<Q", struct.pack("<d", value))[0], "016x")


def main():
    rng = random.Random(20261207)
    values = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]
    for exponent in range(-324, 309):
        for mantissa in MANTISSAS:
            value = float(f"{mantissa}e{exponent}")
            if math.isfinite(value) and value != 0:
                values.append(value)
    for _ in range(1000):
        value = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if math.isfinite(value):
            values.append(value)
    for _ in range(500):
        value = struct.unpack("<f", struct.pack("<I", rng.getrandbits(32)))[0]
        if math.isfinite(value):
            values.append(value)
    for _ in range(500):
        values.append(float(rng.randint(-10**17, 10**17)))
    cases = [[bits(v), repr(v)] for v in values]
    document = {"python_version": platform.python_version(), "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python_float_repr.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
