#!/usr/bin/python3
"""Record CPython's `random` draws for PythonRandomTests: writes python_random.json next to this file.

    /usr/bin/python3 tests/TorchTutorial.Tests/Python/Fixtures/make_random_fixture.py

Every case seeds afresh with random.seed(seed) and then draws; integers that do not fit a double exactly (seeds
above 2**53, getrandbits above 53 bits) are written as decimal strings.
"""
import json
import os
import platform
import random

# 0 and 1; the tutorial-ish 42 and 4242; one above 2**32 (two key words); one above 2**64 (three key words);
# negative ones, which CPython seeds with their absolute value.
SEEDS = [0, 1, 42, 4242, 2**32 + 5, 2**64 + 12345, -7, -(2**40)]

# (a, b, draws): the dynamic nets' ranges with enough draws to cross a 624-word state regeneration, a single value
# (no bits drawn at all), a width just above a power of two (many rejections), a wide one (two 32-bit words per draw).
RANGES = [(0, 3, 1500), (4, 6, 1500), (0, 0, 20), (0, 2**31, 200), (-10**12, 10**12, 200), (5, 8, 50)]

GETRANDBITS = [0, 1, 5, 31, 32, 33, 64, 100]


def big(n):
    return n if abs(n) <= 2**53 else str(n)


def main():
    cases = []
    for seed in SEEDS:
        for a, b, count in RANGES:
            random.seed(seed)
            cases.append({"seed": big(seed), "kind": "randint", "a": a, "b": b,
                          "draws": [random.randint(a, b) for _ in range(count)]})
        random.seed(seed)
        cases.append({"seed": big(seed), "kind": "getrandbits", "k": GETRANDBITS,
                      "draws": [big(random.getrandbits(k)) for k in GETRANDBITS]})
        random.seed(seed)
        cases.append({"seed": big(seed), "kind": "random", "draws": [random.random() for _ in range(20)]})
    document = {"python_version": platform.python_version(), "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python_random.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
