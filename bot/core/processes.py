"""Which process this is, in a form another process can check: is that one still running?

A process that was killed leaves no word. Another process on the same machine can still tell
it is gone: its pid is free, or holds a process that started at another time (pids are reused).
"The same machine" must mean the same process table, not the same host name: two containers
share a kernel but not their pids (each may be pid 1), and a restarted container keeps its host
name. So a process is named by the kernel's boot id and its pid namespace beside its pid, and
by its start time in that table; from elsewhere it can only be judged by what it last wrote.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessIdentity:
    host: str
    pid: int
    # Kernel boot id and pid namespace: equal means `pid` is read in the same process table.
    # None where the system does not say (not Linux): then nothing is judged from here.
    machine: str | None
    started: str | None  # start time in clock ticks since boot, as /proc/<pid>/stat says


def this_process(proc: Path = PROC) -> ProcessIdentity:
    pid = os.getpid()
    return ProcessIdentity(host=socket.gethostname(), pid=pid, machine=_machine(proc),
                           started=_start_ticks(proc, pid))


def is_gone(other: ProcessIdentity, here: ProcessIdentity, proc: Path = PROC) -> bool:
    """True only when certain that `other` has stopped: it ran in this process table, and its
    pid is free now or holds a process started at another time."""
    if other.machine is None or other.started is None or other.machine != here.machine:
        return False
    return _start_ticks(proc, other.pid) != other.started


def _machine(proc: Path) -> str | None:
    try:
        boot = (proc / "sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink(proc / "self/ns/pid")
    except OSError:
        return None
    return f"{boot}/{namespace}"


def _start_ticks(proc: Path, pid: int) -> str | None:
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the
    # last ")"; what follows starts at field 3, and the start time is field 22.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None
