"""`report VIEW` prints what `/engagement VIEW` answers in Slack, for the same periods, with
only DATABASE_URL set; --json honours the period; a bad period word is one line."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.render import render_blocks
from storage.models import Metric
from tests.conftest import STAFF, FakeClock
from tests.history_builder import History
from tests.integration.cli_runner import run_cli

WIDTH = 100
SINCE = (datetime.now(UTC) - timedelta(days=50)).date()


@pytest.fixture
def clock() -> FakeClock:
    # The command reads the wall clock; the bot answering in Slack reads this one.
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def team(slack: SignedSlackClient, engine: Engine) -> str:
    """Answers days away from any period's edge: now, 20 and 40 days ago, and 200 days ago."""
    team_id = slack.sandbox.team_id
    history = History(engine, team_id=team_id)
    now = datetime.now(UTC)
    for n, (nps, csat) in enumerate([(10, 5), (9, 4), (3, 2), (7, 4), (6, 1), (10, 5)]):
        user = f"U0C{n}"
        for days in (2, 20, 40, 200):
            history.answer(user, max(0, nps - days // 100), now - timedelta(days=days))
            history.answer(user, csat, now - timedelta(days=days, hours=1), metric=Metric.CSAT)
    return team_id


@pytest.fixture
def db_only(database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "LOG_LEVEL", "COLUMNS"))}
    # Slack out of reach, in case anything still asks it: a closed local port.
    return clean | {"DATABASE_URL": database_url, "SLACK_API_URL": "http://127.0.0.1:9/api/",
                    "COLUMNS": str(WIDTH), "REPORT_SNAPSHOT_MINUTES": "0"}


def _drawn(blocks: list[dict[str, object]], team_id: str) -> str:
    console = Console(file=io.StringIO(), width=WIDTH)
    console.print(render_blocks(blocks, title=f"/engagement (team {team_id})"))
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(("view", "options", "slack_words"), [
    ("", (), ""),
    ("trend", ("--period", "quarter"), "quarter"),
    ("trend weekly", ("--since", SINCE.isoformat()), f"since {SINCE.isoformat()}"),
    ("movement", ("--days", "30"), "30d"),
    ("map", ("--period", "year"), "year"),
    ("map movement", ("--days", "30"), "30d"),
    ("outcomes", (), ""),
    ("drivers", ("--period", "365d"), "365d"),
    ("followups effect", ("--days", "60"), "60d"),
    ("nps", ("--period", "quarter"), "quarter"),
    ("csat", (), ""),
    ("themes", (), ""),
    ("plan", (), ""),
])
def test_a_view_prints_what_slack_shows(
    db_only: dict[str, str], tmp_path: Path, slack: SignedSlackClient, team: str,
    view: str, options: tuple[str, ...], slack_words: str,
) -> None:
    printed = run_cli(db_only, tmp_path, "report", *view.split(), *options)
    answered = slack.slash_command(STAFF, f"{view} {slack_words}".strip()).json()

    assert printed.returncode == 0, printed.stderr
    assert printed.stderr == ""
    assert printed.stdout == _drawn(answered["blocks"], team)


def test_the_period_words_after_the_view_are_read_as_in_slack(
    db_only: dict[str, str], tmp_path: Path, slack: SignedSlackClient, team: str,
) -> None:
    printed = run_cli(db_only, tmp_path, "report", "trend", "monthly", "quarter")
    by_option = run_cli(db_only, tmp_path, "report", "trend", "monthly", "--period", "quarter")

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == by_option.stdout
    assert " so far" in printed.stdout  # "Q4 2026 so far", not the last 90 days


def test_compare_days_sets_the_overviews_earlier_period(
    db_only: dict[str, str], tmp_path: Path, team: str,
) -> None:
    # The 30 days before hold the answers 40 days ago; 200 days before add those 200 days ago,
    # a point of NPS lower each: the overview's change is measured against another figure.
    same_length = run_cli(db_only, tmp_path, "report", "--days", "30")
    longer = run_cli(db_only, tmp_path, "report", "--days", "30", "--compare-days", "200")

    assert longer.returncode == 0, longer.stderr
    assert longer.stderr == ""
    assert longer.stdout != same_length.stdout


@pytest.mark.parametrize(("options", "label", "since"), [
    (("--period", "quarter"), "so far", None),
    (("--since", SINCE.isoformat()), f"since {SINCE:%-d %B %Y}", SINCE),
    (("--days", "30"), "last 30 days", None),
    ((), "last 90 days", None),
])
def test_json_honours_the_period(db_only: dict[str, str], tmp_path: Path, team: str,
                                 options: tuple[str, ...], label: str,
                                 since: date | None) -> None:
    result = run_cli(db_only, tmp_path, "report", "--json", *options)

    assert result.returncode == 0, result.stderr
    period = json.loads(result.stdout)["period"]
    assert period["label"].endswith(label)
    if since is not None:
        assert datetime.fromisoformat(period["since"]).date() == since


@pytest.mark.parametrize(("args", "said"), [
    (("--period", "quarterly"), "Did you mean “quarter”?"),
    (("trend", "monthly", "quarterly"), "Did you mean “quarter”?"),
    (("trend", "--period", "yaer"), "Did you mean “year”?"),
    (("movment",), "Did you mean “movement”?"),
    (("--since", "2026-13-01"), "write the date as YYYY-MM-DD"),
    (("--days", "30", "--period", "quarter"), "give one period"),
    (("trend", "--json"), "--json goes with the whole report"),
    (("map", "--compare-days", "30"), "--compare-days goes with the whole report"),
])
def test_a_mistake_is_one_line(db_only: dict[str, str], tmp_path: Path, team: str,
                               args: tuple[str, ...], said: str) -> None:
    result = run_cli(db_only, tmp_path, "report", *args)

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert said in result.stderr
