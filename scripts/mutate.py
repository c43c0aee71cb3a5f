"""Mutation testing of the product's rules: `make mutate` runs this.

    .venv/bin/python scripts/mutate.py [--jobs N] [--fail-under PERCENT] [--report-only]

mutmut (configured in pyproject.toml's [tool.mutmut]) copies bot/ and storage/ into mutants/,
changes one thing at a time in the rule modules (a `>=` into `>`, a 9 into 10, a string into
another) and runs the tests that cover the changed function. A change no test notices
"survives": either the tests miss a rule, or the change means the same (an equivalent mutant,
listed with its reason in docs/TESTING.md).

SCOPE below names what counts: whole modules where every function is a rule, and single
functions where a module mixes a rule with plumbing (waves.py, storage/waves.py, figures.py).
Only those mutants are run and counted. The run starts from an empty mutants/ every time, so
the figures never mix results from older code or tests.

It prints a table per module, every surviving mutant by name (`.venv/bin/mutmut show NAME`
shows its diff), and last the line `mutation score: K killed of N (P%)`. A mutant counts as
killed when a test failed or ran out of time; N leaves out nothing but what mutmut skipped.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"

# Module → the functions holding its rules ("*": every function in it).
SCOPE: dict[str, tuple[str, ...]] = {
    "bot/insights/metrics.py": ("*",),  # NPS/CSAT classes and intervals, response rate
    "bot/insights/engagement.py": ("*",),  # the engagement map, retention shares
    "bot/insights/followups.py": ("*",),  # what raises a follow-up, median response times
    "bot/insights/comparison.py": ("*",),  # changes, gaps, what it takes to reach a target
    "bot/privacy/export.py": ("*",),  # export rows, the CSV formula guard
    "bot/pulses/waves.py": ("_open",),  # the audience of a wave: consent and fatigue
    "storage/waves.py": ("recently_surveyed",),  # the fatigue window's query
    "bot/reporting/figures.py": ("segments_from",),  # the anonymity minimum
    "storage/retention.py": ("*",),  # the comment retention cut-off
}

# mutmut's exit codes per mutant (mutmut/stats.py); anything else is "suspicious".
STATUS = {
    None: "not checked",
    0: "survived",
    1: "killed",
    3: "killed",
    2: "interrupted",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
    -11: "segfault",
    -9: "segfault",
}
KILLED = {"killed", "timeout", "caught by type check"}


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def patterns() -> list[str]:
    """mutmut name patterns: module.x_function__mutmut_N (methods: module.xǁClassǁmethod…)."""
    found = []
    for path, functions in SCOPE.items():
        module = module_name(path)
        for function in functions:
            found.append(f"{module}.*" if function == "*" else f"{module}.x_{function}*")
    return found


def in_scope(path: str, key: str) -> bool:
    module = module_name(path)
    return any(
        fnmatch.fnmatchcase(key, f"{module}.*")
        if function == "*"
        else key.startswith(f"{module}.x_{function}__mutmut_")
        for function in SCOPE[path]
    )


def run_mutmut(jobs: int) -> None:
    shutil.rmtree(MUTANTS, ignore_errors=True)
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", "--max-children", str(jobs), *patterns()]
    completed = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - our own venv's tool
    if completed.returncode != 0:
        sys.exit(f"mutmut stopped with exit code {completed.returncode}; no score")


def results() -> dict[str, dict[str, str]]:
    """Module path → {mutant name: status}, in-scope mutants only."""
    found: dict[str, dict[str, str]] = {}
    for path in SCOPE:
        meta = MUTANTS / f"{path}.meta"
        if not meta.exists():
            sys.exit(f"{meta.relative_to(ROOT)} is missing: run without --report-only first")
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        found[path] = {
            key: STATUS.get(code, "suspicious")
            for key, code in sorted(codes.items(), key=lambda item: _natural(item[0]))
            if in_scope(path, key)
        }
    return found


def _natural(key: str) -> tuple[str, int]:
    name, _, number = key.rpartition("__mutmut_")
    return name, int(number) if number.isdigit() else 0


def report(found: dict[str, dict[str, str]]) -> tuple[int, int]:
    print()
    print(f"{'module':<28} {'killed':>6} {'of':>4} {'score':>7}  other")
    total_killed = total_counted = 0
    for path, statuses in found.items():
        tally = Counter(statuses.values())
        counted = sum(n for status, n in tally.items() if status != "skipped")
        killed = sum(n for status, n in tally.items() if status in KILLED)
        other = ", ".join(
            f"{n} {status}" for status, n in sorted(tally.items()) if status not in KILLED
        )
        print(f"{path:<28} {killed:>6} {counted:>4} {_percent(killed, counted):>7}  {other}")
        total_killed += killed
        total_counted += counted
    for path, statuses in found.items():
        left = [key for key, status in statuses.items() if status not in KILLED]
        if left:
            print(f"\n{path}: not killed")
            for key in left:
                print(f"  {key}  ({statuses[key]})")
    unchecked = sum(s == "not checked" for statuses in found.values() for s in statuses.values())
    if unchecked:
        print(f"\nwarning: {unchecked} mutants were never run (interrupted?)")
    print()
    return total_killed, total_counted


def _percent(killed: int, counted: int) -> str:
    return "-" if counted == 0 else f"{100 * killed / counted:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--fail-under", type=float, default=None, metavar="PERCENT",
                        help="exit 1 when the score is below this")
    parser.add_argument("--report-only", action="store_true",
                        help="read the last run's results from mutants/ without running")
    args = parser.parse_args()
    if not args.report_only:
        run_mutmut(args.jobs)
    killed, counted = report(results())
    score = 100 * killed / counted if counted else 0.0
    print(f"mutation score: {killed} killed of {counted} ({score:.1f}%)")
    if args.fail_under is not None and score < args.fail_under:
        sys.exit(1)


if __name__ == "__main__":
    main()
