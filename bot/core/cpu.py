"""Holding every thread of this process to one CPU core (PIN_TO_CPU).

A CPython process runs Python on one core at a time whatever it has (the GIL), but the kernel
moves its threads between cores freely. Serving Slack, a click passes between the event loop,
a request thread, Bolt's listener thread and an after-ack thread, and each hand-over of the GIL
to a thread on another core is a cross-core wake-up. At 200 clicks a second on 2 cores shared
with PostgreSQL, runs of the same code either kept up or fell behind by a quarter, with two
to three times the context switches a click in the runs that fell behind. Held to one core,
they stayed at a third of that and the runs kept up (docs/PERFORMANCE.md, "Score clicks").
"""

from __future__ import annotations

import os
from pathlib import Path

TASKS = Path("/proc/self/task")


class CpuUnavailable(Exception):
    """The core asked for is not one this process may run on; the message says which are."""


def pin_to_cpu(cpu: int, tasks: Path = TASKS) -> None:
    """Hold every thread of this process, and every thread it starts later, to `cpu`.

    Linux applies an affinity to one thread (a thread id); threads inherit it when they start.
    So the threads already running are each pinned too, not only the caller.
    """
    if not hasattr(os, "sched_setaffinity"):
        raise CpuUnavailable("this system cannot hold a process to a CPU core (Linux only)")
    allowed = os.sched_getaffinity(0)
    if cpu not in allowed:
        raise CpuUnavailable(
            f"CPU {cpu} is not one this process may run on (it may use {describe_cpus(allowed)})")
    hold_threads(tasks, {cpu})


def hold_threads(tasks: Path, cpus: set[int], *, but: int | None = None) -> None:
    """Hold every thread listed in `tasks` (a /proc task folder), except the thread id `but`,
    to `cpus`; threads they start later inherit it."""
    for task in sorted(tasks.iterdir()):
        if int(task.name) == but:
            continue
        try:
            os.sched_setaffinity(int(task.name), cpus)
        except ProcessLookupError:  # the thread ended meanwhile
            continue


def describe_cpus(cpus: set[int]) -> str:
    """{0, 1, 2, 5} as "0-2, 5"."""
    parts: list[str] = []
    for cpu in sorted(cpus):
        if parts and parts[-1].split("-")[-1] == str(cpu - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{cpu}"
        else:
            parts.append(str(cpu))
    return ", ".join(parts)
