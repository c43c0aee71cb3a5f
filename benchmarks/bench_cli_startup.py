"""How long `python -m bot --help` takes: the wall time a person waits, median of several runs.

    .venv/bin/python benchmarks/bench_cli_startup.py [--runs 9]

Prints each run, the median and its ratio to a bare `python -c pass` on the same machine, so a
loaded machine shows as a higher floor rather than a slower CLI.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)  # noqa: S603 (fixed)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    bare = [_timed(["-c", "pass"]) for _ in range(runs)]
    helps = [_timed(["-m", "bot", "--help"]) for _ in range(runs)]
    print("python -m bot --help:", ", ".join(f"{t * 1000:.0f}" for t in helps), "ms")
    floor, median = statistics.median(bare), statistics.median(helps)
    print(f"median {median * 1000:.0f} ms; bare interpreter {floor * 1000:.0f} ms; "
          f"ratio {median / floor:.1f}x")


if __name__ == "__main__":
    main()
