"""Commands that only read what is stored work with nothing but DATABASE_URL: no Slack token,
and no Slack to reach. Each mistake is one line, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from storage.engine import session_scope
from storage.models import Respondent
from tests.integration.answer_history import TEAM, seed_answer_history
from tests.integration.cli_runner import run_cli


@pytest.fixture
def db_only(database_url: str, engine: Engine) -> dict[str, str]:
    seed_answer_history(engine)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "TEAM"))}
    # A Slack that cannot be reached, in case anything still asks it: a closed local port.
    return clean | {"DATABASE_URL": database_url, "SLACK_API_URL": "http://127.0.0.1:9/api/"}


@pytest.mark.parametrize("args", [
    ("benchmarks", "list"), ("digest", "list"), ("report",), ("report", "--json"),
    ("export", "--format", "jsonl"),
])
def test_reading_needs_only_the_database(db_only: dict[str, str], tmp_path: Path,
                                         args: tuple[str, ...]) -> None:
    result = run_cli(db_only, tmp_path, *args, "--team", TEAM)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr


def test_a_workspace_that_is_not_stored_is_one_line(db_only: dict[str, str],
                                                    tmp_path: Path) -> None:
    result = run_cli(db_only, tmp_path, "benchmarks", "list", "--team", "T0NOWHERE")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "T0NOWHERE" in result.stderr


IMPORTS = {
    "customers": "slack_user_id,account,plan\nU0ANN,Ann Co,pro\nU0NEW,New Co,team\n",
    "responses": "customer,submitted_at,metric,score\nU0ANN,2026-07-01,nps,9\n"
                 "Ann Co,2026-07-02,csat,4\n",
    "outcomes": "customer,event,date,amount\nU0ANN,renewed,2026-10-01,12000\n",
}


@pytest.mark.parametrize("kind", list(IMPORTS))
def test_imports_need_only_the_database(db_only: dict[str, str], tmp_path: Path,
                                        engine: Engine, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(IMPORTS[kind], encoding="utf-8")

    result = run_cli(db_only, tmp_path, kind, "import", str(path), "--team", TEAM)
    again = run_cli(db_only, tmp_path, kind, "import", str(path), "--team", TEAM)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("Imported ")
    assert again.returncode == 0, again.stderr
    if kind != "customers":  # importing the same answers or events again adds nothing
        assert " 0 added" in again.stdout


def test_customers_land_in_the_named_workspace(db_only: dict[str, str], tmp_path: Path,
                                               engine: Engine) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(IMPORTS["customers"], encoding="utf-8")
    assert run_cli(db_only, tmp_path, "customers", "import", str(path), "--team",
                   TEAM).returncode == 0
    with session_scope(engine) as session:
        new = session.exec(select(Respondent).where(Respondent.user_id == "U0NEW")).all()
    assert [(r.team_id, r.account) for r in new] == [(TEAM, "New Co")]


@pytest.mark.parametrize("kind", ["customers", "responses"])
def test_an_email_without_slack_is_one_line_and_imports_nothing(
        db_only: dict[str, str], tmp_path: Path, engine: Engine, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text({"customers": "email,plan\nann@acme.test,pro\n",
                     "responses": "customer,submitted_at,metric,score\n"
                                  "ann@acme.test,2026-07-01,nps,9\n"}[kind], encoding="utf-8")
    before = run_cli(db_only, tmp_path, "export", "--team", TEAM).stdout

    result = run_cli(db_only, tmp_path, kind, "import", str(path), "--team", TEAM,
                     "--skip-invalid")

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "set SLACK_BOT_TOKEN" in result.stderr
    assert run_cli(db_only, tmp_path, "export", "--team", TEAM).stdout == before


def test_the_currency_needs_only_the_database(db_only: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(db_only, tmp_path, "outcomes", "currency", "EUR", "--team", TEAM)

    assert result.returncode == 0, result.stderr
    assert "EUR" in result.stdout


def test_follow_ups_of_imported_answers_need_only_the_database(
        db_only: dict[str, str], tmp_path: Path) -> None:
    answers = tmp_path / "responses.csv"
    answers.write_text("customer,submitted_at,metric,score\nU0ANN,2026-07-01,nps,3\n",
                       encoding="utf-8")
    follow_ups = tmp_path / "followups.csv"
    follow_ups.write_text("customer,submitted_at,metric,replied_at,resolved_at\n"
                          "U0ANN,2026-07-01,nps,2026-07-02,2026-07-04\n", encoding="utf-8")

    imported = run_cli(db_only, tmp_path, "responses", "import", str(answers), "--team", TEAM)
    result = run_cli(db_only, tmp_path, "followups", "import", str(follow_ups), "--team", TEAM)
    again = run_cli(db_only, tmp_path, "followups", "import", str(follow_ups), "--team", TEAM)

    assert imported.returncode == 0, imported.stderr
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert " 1 added" in result.stdout
    assert " 0 added" in again.stdout
