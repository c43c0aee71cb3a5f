"""After-ack work runs on its own threads, up to a backlog; a failure is logged, not raised."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.core.after_ack import AfterAck


def test_work_runs_on_its_own_threads_and_beyond_the_backlog_on_the_callers() -> None:
    caller = threading.get_ident()
    ran_on: dict[str, int] = {}
    release = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as executor:
        after_ack = AfterAck(executor, backlog=2)

        def note(name: str) -> None:
            ran_on[name] = threading.get_ident()

        after_ack.run("first", lambda: (release.wait(10), note("first")))  # holds the thread
        after_ack.run("second", lambda: note("second"))  # waits: 2 of 2 in the backlog
        after_ack.run("third", lambda: note("third"))  # no room: runs here, now

        assert ran_on == {"third": caller}
        release.set()
    assert ran_on["first"] != caller
    assert ran_on["second"] != caller


def test_finished_work_frees_its_place_in_the_backlog() -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        after_ack = AfterAck(executor, backlog=1)
        done = threading.Event()
        after_ack.run("first", done.set)
        assert done.wait(10)
        # The first has finished (give its thread the moment to free its place), so the next
        # is queued on the executor, never run on the caller's thread.
        executor.submit(lambda: None).result(10)
        caller = threading.get_ident()
        ran_on: list[int] = []
        after_ack.run("second", lambda: ran_on.append(threading.get_ident()))
    assert ran_on
    assert ran_on != [caller]


def test_a_failure_is_logged_with_what_it_was_and_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail() -> None:
        raise RuntimeError("Slack said no")

    with ThreadPoolExecutor(max_workers=1) as executor, caplog.at_level(logging.ERROR):
        AfterAck(executor).run("a score click", fail)
    assert [r.getMessage() for r in caplog.records] == ["after acknowledging a score click"]
    assert caplog.records[0].exc_info is not None
