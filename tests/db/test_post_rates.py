"""Send slots taken by several processes at once from one workspace's shared rate: never the
same slot twice, and a pause one of them records holds for all."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from storage.engine import create_db_engine, session_scope
from storage.post_rates import Slots, pause_posting, take_slots

RATE = 50.0
NOW = 1_800_000_000.0


@pytest.fixture
def replicas(engine: Engine, database_url: str) -> Iterator[list[Engine]]:
    """Three engines on one database, as three replicas hold (`engine` migrated it)."""
    engines = [create_db_engine(database_url) for _ in range(3)]
    yield engines
    for other in engines:
        other.dispose()


def take(engine: Engine, key: str, *, now: float, count: int) -> Slots:
    with session_scope(engine) as session:
        return take_slots(session=session, key=key, now=now, rate=RATE, count=count)


def test_replicas_taking_slots_at_once_never_share_one_and_leave_no_gap(
    replicas: list[Engine],
) -> None:
    taken: list[Slots] = []
    lock = threading.Lock()
    start = threading.Barrier(len(replicas))

    def replica(engine: Engine) -> None:
        start.wait()
        for _ in range(20):
            slots = take(engine, "T1", now=NOW, count=10)
            with lock:
                taken.append(slots)

    threads = [threading.Thread(target=replica, args=(e,)) for e in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    times = sorted(t for slots in taken for t in slots.times())
    assert len(times) == 3 * 20 * 10
    # 600 slots 1/50 s apart from NOW: each handed out once, none skipped.
    assert times == pytest.approx([NOW + n / RATE for n in range(600)], abs=1e-4)


def test_workspaces_have_rates_of_their_own(engine: Engine) -> None:
    assert take(engine, "T1", now=NOW, count=5).first == NOW
    assert take(engine, "T2", now=NOW, count=5).first == NOW
    assert take(engine, "T1", now=NOW, count=1).first == pytest.approx(NOW + 5 / RATE)


def test_a_pause_one_replica_records_gives_the_others_no_slot_inside_it(
    replicas: list[Engine],
) -> None:
    first, second, _ = replicas
    take(first, "", now=NOW, count=10)  # up to NOW + 0.2
    with session_scope(first) as session:
        assert pause_posting(session=session, key="", now=NOW + 0.1, retry_after=3) == (
            pytest.approx(NOW + 3.1))

    assert take(second, "", now=NOW + 0.2, count=2).first == pytest.approx(NOW + 3.1)
    # Once the pause is over, slots follow on from it, not from long before.
    assert take(second, "", now=NOW + 10, count=1).first == NOW + 10
