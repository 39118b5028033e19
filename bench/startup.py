"""Start-up time of the light commands against the cost of importing typer and rich.

    python bench/startup.py [-n 10]

Prints the median wall time of each command over N runs (after one warm-up run, so the
bank cache is warm) next to `python -c "import typer, rich.console"`, and the ratio.
Target: every command within 1.5x of that baseline.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def _time(cmd: list[str], n: int) -> float:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10, help="runs per command (default 10)")
    args = ap.parse_args()
    exe = shutil.which("quizcli")
    base = [exe] if exe else [sys.executable, "-m", "quizcli"]
    env_note = f"QUIZCLI_CACHE={os.environ.get('QUIZCLI_CACHE', '(default)')}"
    baseline = _time([sys.executable, "-c", "import typer, rich.console"], args.n)
    print(f"median of {args.n} runs, {env_note}")
    print(f"{'command':<34}{'median s':>10}{'ratio':>8}")
    print(f"{'python -c import typer,rich.console':<34}{baseline:>10.3f}{1:>8.2f}")
    pasted = ["explain", "3.（10分）请比较 LSTM 与 GRU 的异同"]  # a pasted exam question: target ≤ 0.5 s in all
    for extra in (["--help"], ["topics"], ["explain", "lstm"], pasted, ["explain", "how do I bake bread"]):
        t = _time(base + extra, args.n)
        name = ("quizcli " + " ".join(extra))[:33]
        print(f"{name:<34}{t:>10.3f}{t / baseline:>8.2f}")


if __name__ == "__main__":
    main()
