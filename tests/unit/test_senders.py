"""When a sender counts as stopped: by its silence, or by its process being gone."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.processes import ProcessIdentity, is_gone, this_process
from bot.pulses.senders import (
    FRESH_SECONDS,
    POST_GRACE,
    POST_TIMEOUT_SECONDS,
    SILENT_AFTER,
    Liveness,
    judge,
)
from storage.models import Sender

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
ELSEWHERE = ProcessIdentity("other-host", 4242, None, None)  # another machine: no /proc of it


def _sender(beat_at: datetime, identity: ProcessIdentity = ELSEWHERE) -> Sender:
    return Sender(id="a" * 32, host=identity.host, pid=identity.pid, machine=identity.machine,
                  process_start=identity.started, started_at=NOW - timedelta(hours=1),
                  beat_at=beat_at)


def test_the_silence_that_means_stopped_outlasts_any_post_begun_while_beating() -> None:
    # A post begins only within 6 s of a beat and lasts at most the client's 10 s timeout:
    # 16 s; 4 s more for clocks that differ between hosts. A post begun is checked 15 s on.
    assert timedelta(seconds=20) == SILENT_AFTER
    assert timedelta(seconds=FRESH_SECONDS + POST_TIMEOUT_SECONDS) < SILENT_AFTER
    assert POST_GRACE == timedelta(seconds=15) > timedelta(seconds=POST_TIMEOUT_SECONDS)


@pytest.mark.parametrize(("silent_for", "liveness"), [
    (timedelta(seconds=4), Liveness.SENDING),  # two beats missed, less a second: still fine
    (timedelta(seconds=5) - MICROSECOND, Liveness.SENDING),
    (timedelta(seconds=5), Liveness.SILENT),
    (SILENT_AFTER - MICROSECOND, Liveness.SILENT),
    (SILENT_AFTER, Liveness.STOPPED),  # on the line: stopped
    (SILENT_AFTER + MICROSECOND, Liveness.STOPPED),
])
def test_a_sender_elsewhere_is_judged_by_its_silence(
    silent_for: timedelta, liveness: Liveness
) -> None:
    judged = judge(_sender(NOW - silent_for), now=NOW, here=this_process())

    assert judged.liveness is liveness
    if liveness is not Liveness.SENDING:
        assert judged.stopped_from == NOW - silent_for + SILENT_AFTER


def test_a_sender_without_a_row_is_stopped() -> None:
    assert judge(None, now=NOW, here=this_process()).liveness is Liveness.STOPPED


def _proc(root: Path, pid: int, start: str, comm: str = "python") -> None:
    (root / str(pid)).mkdir(parents=True, exist_ok=True)
    # Fields 3..21 before the start time (field 22); the name may hold spaces and ")".
    (root / str(pid) / "stat").write_text(f"{pid} ({comm}) S " + "0 " * 18 + f"{start} 0 0\n")


@pytest.fixture
def proc(tmp_path: Path) -> Path:
    (tmp_path / "sys/kernel/random").mkdir(parents=True)
    (tmp_path / "sys/kernel/random/boot_id").write_text("boot-1\n")
    (tmp_path / "self/ns").mkdir(parents=True)
    os.symlink("pid:[4026531836]", tmp_path / "self/ns/pid")
    return tmp_path


def test_on_the_same_machine_a_process_is_gone_when_its_pid_is_free_or_reused(
    proc: Path,
) -> None:
    _proc(proc, 100, "5000", comm="python -m bot) (run")
    _proc(proc, os.getpid(), "7000")
    here = this_process(proc)
    machine = "boot-1/pid:[4026531836]"
    assert (here.machine, here.started) == (machine, "7000")

    running = ProcessIdentity("h", 100, machine, "5000")
    reused = ProcessIdentity("h", 100, machine, "4999")  # pid 100 now holds a younger process
    freed = ProcessIdentity("h", 101, machine, "5000")

    assert [is_gone(p, here, proc) for p in (running, reused, freed)] == [False, True, True]


def test_another_machine_or_an_unknown_one_is_never_judged_from_here(proc: Path) -> None:
    here = this_process(proc)
    other_namespace = ProcessIdentity("h", 101, "boot-1/pid:[4026532000]", "5000")
    other_boot = ProcessIdentity("h", 101, "boot-2/pid:[4026531836]", "5000")
    unknown = ProcessIdentity("h", 101, None, None)

    assert [is_gone(p, here, proc) for p in (other_namespace, other_boot, unknown)] == [
        False, False, False]


def test_a_killed_process_on_this_machine_is_judged_stopped_at_once() -> None:
    here = this_process()
    if here.machine is None:
        pytest.skip("no /proc here: a sender elsewhere is judged by its silence alone")
    gone = ProcessIdentity(here.host, here.pid, here.machine, "1")  # our pid, another start
    judged = judge(_sender(NOW, gone), now=NOW, here=here)
    assert (judged.liveness, judged.why) == (Liveness.STOPPED, "its process has ended")
    assert judge(_sender(NOW, here), now=NOW, here=here).liveness is Liveness.SENDING
