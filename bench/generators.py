"""Problems per second per generator family, INCLUDING the engine check.

    python bench/generators.py [--seconds 0.5] [--difficulty medium] [--family conv_output ...]

For every registered family (`quizcli.generators.families()`), generates seeds 0, 1, 2, …
with `generate_problem` (which runs `solve` and the engine `check` and refuses disagreement)
for about `--seconds` wall time, and prints problems/s, the mean time per problem and the
split between solve and check (measured on the same parameter draws afterwards).
Target for the shape and count families: ≥ 1,000 verified problems/s on a 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from quizcli.generators import families  # noqa: E402
from quizcli.generators.base import generate_problem, seeded_rng  # noqa: E402


def bench(fm, seconds: float, difficulty: str):
    generate_problem(fm, 0, difficulty)  # warm-up: imports the engine, fills caches
    n, t0 = 0, time.perf_counter()
    while True:
        generate_problem(fm, n, difficulty)
        n += 1
        el = time.perf_counter() - t0
        if el >= seconds:
            break
    rate = n / el
    # split solve / check on the first draws of the same seeds
    ts = tc = 0.0
    m = min(n, 50)
    for seed in range(m):
        prm = fm.generate(seeded_rng(fm.family.id, seed, difficulty), difficulty)
        a = time.perf_counter()
        try:
            fm.solve(prm)
        except Exception:
            continue
        b = time.perf_counter()
        fm.check(prm)
        ts += b - a
        tc += time.perf_counter() - b
    return rate, n, ts / m * 1e3, tc / m * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--difficulty", default="medium", choices=("easy", "medium", "hard", "all"))
    ap.add_argument("--family", nargs="*", help="only these families")
    args = ap.parse_args()
    fams = families()
    names = args.family or list(fams)
    diffs = ("easy", "medium", "hard") if args.difficulty == "all" else (args.difficulty,)
    print(f"{'family':24} {'diff':6} {'problems/s':>11} {'n':>6} {'solve ms':>9} {'check ms':>9}")
    for name in names:
        for d in diffs:
            try:
                rate, n, ms_s, ms_c = bench(fams[name], args.seconds, d)
            except Exception as e:  # a broken family must not stop the report
                print(f"{name:24} {d:6} ERROR {type(e).__name__}: {e}")
                continue
            print(f"{name:24} {d:6} {rate:11.0f} {n:6d} {ms_s:9.3f} {ms_c:9.3f}")


if __name__ == "__main__":
    main()
