"""`seed` as a person runs it (in process: tests/integration/cli_runner.py) with nothing but
DATABASE_URL: the demo's year of history through the importers, its last wave recent enough
for the default `report`, and never into a workspace that already has data."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from storage.models import OutcomeEvent, Respondent, Response
from tests.integration.cli_runner import run_cli


def _env(database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return clean | {"DATABASE_URL": database_url}


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Respondent, Response, OutcomeEvent))


def test_seed_fills_a_workspace_whose_default_report_has_answers(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    seeded = run_cli(_env(database_url), tmp_path, "seed", "--customers", "40", "--team", "T0X")

    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.startswith("Seeded T0X: 40 customers in three plans and two regions")
    respondents, answers, events = _counts(engine)
    assert respondents == 40
    assert answers > 0
    assert events > 0
    with Session(engine) as session:
        accounts = session.exec(select(Respondent.account)).all()
        assert len(set(accounts)) == 40
        assert None not in accounts
        comments = session.exec(select(func.count()).where(col(Response.comment).is_not(None))
                                ).one()
        assert comments > 0
    report = run_cli(_env(database_url), tmp_path, "report", "--json", "--team", "T0X")
    assert report.returncode == 0, report.stderr
    overview = json.loads(report.stdout)["overview"]
    assert overview["nps"]["n"] > 0  # the default 90 days hold the latest waves


def test_seeding_a_workspace_that_has_data_is_refused_and_adds_nothing(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    assert run_cli(_env(database_url), tmp_path, "seed", "--customers", "10").returncode == 0
    before = _counts(engine)

    again = run_cli(_env(database_url), tmp_path, "seed", "--customers", "10")

    assert again.returncode == 2
    assert again.stderr.strip() == ("error: T0SEED already has data: seed another --team or a "
                                    "fresh database")
    assert _counts(engine) == before
