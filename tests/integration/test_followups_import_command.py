"""`followups import` as a person runs it (in process: tests/integration/cli_runner.py), after
the answers it follows up were imported."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from storage.models import FollowUp
from tests.integration.test_import_commands import EXAMPLES, bot, env

__all__ = ["env"]  # the fixture, used by name


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(FollowUp)).one())


def test_the_example_follow_ups_import_once_after_their_answers(
    env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    path = str(EXAMPLES / "followups.csv")
    early = bot(env, tmp_path, "followups", "import", path)
    assert early.returncode == 2
    assert early.stderr.splitlines()[:2] == [
        "error: Nothing imported: 3 problems in the file",
        "  line 2: no nps answer of this customer at 2026-01-16T00:00:00+00:00: import it "
        "first (responses import)"]
    assert _count(engine) == 0

    assert bot(env, tmp_path, "responses", "import",
               str(EXAMPLES / "responses.csv")).returncode == 0
    first = bot(env, tmp_path, "followups", "import", path)
    again = bot(env, tmp_path, "followups", "import", path)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["Imported 3 follow-ups: 3 added, 0 already there."]
    assert again.stdout.splitlines() == ["Imported 3 follow-ups: 0 added, 3 already there."]
    assert _count(engine) == 3
