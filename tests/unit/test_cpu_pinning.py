"""PIN_TO_CPU: every thread of the process held to one core, the ones already running too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from bot.core.cpu import CpuUnavailable, describe_cpus, pin_to_cpu

linux = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"),
                           reason="CPU affinity is Linux-only")


def _allowed() -> set[int]:
    return os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()


@linux
@pytest.mark.skipif(len(_allowed()) < 2,
                    reason="needs two CPUs: pinned to the only one looks like not pinned")
def test_threads_started_before_and_after_are_all_held_to_the_core() -> None:
    cpu = max(_allowed())
    # In a process of its own: pinning this one would hold the rest of the test run to a core.
    script = textwrap.dedent(f"""
        import json, os, threading
        from bot.core.cpu import pin_to_cpu
        stop = threading.Event()
        before = threading.Thread(target=stop.wait)
        before.start()
        pin_to_cpu({cpu})
        after = threading.Thread(target=stop.wait)
        after.start()
        seen = {{task: sorted(os.sched_getaffinity(int(task)))
                 for task in os.listdir("/proc/self/task")}}
        stop.set()
        print(json.dumps(seen))
    """)
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script], capture_output=True, text=True,
        timeout=60, check=True)
    seen = json.loads(done.stdout)

    assert len(seen) == 3  # the main thread, one started before, one after
    assert all(cpus == [cpu] for cpus in seen.values()), seen


@linux
def test_a_core_the_process_may_not_use_is_refused_naming_those_it_may() -> None:
    allowed = _allowed()
    outside = max(allowed) + 1

    with pytest.raises(CpuUnavailable) as refused:
        pin_to_cpu(outside)

    assert str(refused.value) == (f"CPU {outside} is not one this process may run on "
                                  f"(it may use {describe_cpus(allowed)})")
    assert os.sched_getaffinity(0) == allowed  # nothing changed


@pytest.mark.parametrize(("cpus", "said"), [
    ({3}, "3"), ({0, 1}, "0-1"), ({0, 2}, "0, 2"), ({0, 1, 2, 5}, "0-2, 5"),
    ({1, 2, 4, 5, 6, 9}, "1-2, 4-6, 9"),
])
def test_cores_are_named_as_runs(cpus: set[int], said: str) -> None:
    assert describe_cpus(cpus) == said
