"""`responses import`, `outcomes import`, `outcomes currency` and `/engagement set currency` as
a person runs them (in process: tests/integration/cli_runner.py), with Slack played by the
sandbox: e-mails are looked up with users.lookupByEmail, once per distinct address."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.workspaces.customer_lookup import CustomerKind, CustomerRef, external_customer_id
from storage.models import OutcomeEvent, Respondent, Response, WorkspaceSetting
from tests.conftest import CUSTOMERS, SIGNING_SECRET, STAFF
from tests.integration.cli_runner import CliResult, run_cli

ADMIN = "U0ADMIN"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


@pytest.fixture
def env(sandbox: SlackSandbox, database_url: str, engine: Engine) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "COMMENT_RETENTION"))}
    return clean | {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
    }


def bot(env: dict[str, str], cwd: Path, *args: str) -> CliResult:
    return run_cli(env, cwd, *args)


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _answers(engine: Engine) -> list[tuple[str, str, int]]:
    with Session(engine) as session:
        return sorted((str(u), str(m), int(s)) for u, m, s in session.exec(
            select(Respondent.user_id, Response.metric, Response.score)
            .join(Respondent, col(Respondent.id) == col(Response.respondent_id))))


def test_responses_import_looks_each_email_up_once_and_a_second_run_adds_nothing(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox, engine: Engine
) -> None:
    sandbox.add_user("U0ANA1", name="ana", email="ana@acme.test")
    path = _file(tmp_path, "history.csv", (
        "\ufeffCustomer,Submitted At,Metric,Score,Comment,Pulse,Response ID\n"
        "ana@acme.test,2026-06-01T09:30:00Z,nps,9,Fast answers,Delighted NPS,r1\n"
        "ANA@acme.test,2026-07-01,nps,6,,Delighted NPS,r2\n"  # the same person
        "ana@acme.test,2026-07-01,csat,4,,,r3\n"
        "bo@elsewhere.test,2026-07-02,nps,10,,,r4\n"  # not in Slack
        f"{CUSTOMERS[0]},2026-07-03,csat,5,,,r5\n"
    ))

    first = bot(env, tmp_path, "responses", "import", path)
    again = bot(env, tmp_path, "responses", "import", path)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "Imported 5 answers of 3 customers: 5 added, 0 corrected, 0 already there.",
        "  ignored column: Response ID",
    ]
    assert again.stdout.splitlines()[0] == (
        "Imported 5 answers of 3 customers: 0 added, 0 corrected, 5 already there.")
    # Two distinct addresses (case aside), looked up once each per run.
    looked_up = [c.args["email"] for c in sandbox.calls("users.lookupByEmail")]
    assert sorted(looked_up) == sorted(["ana@acme.test", "bo@elsewhere.test"] * 2)
    bo = external_customer_id(CustomerRef(CustomerKind.EMAIL, "bo@elsewhere.test"))
    assert _answers(engine) == sorted([
        ("U0ANA1", "nps", 9), ("U0ANA1", "nps", 6), ("U0ANA1", "csat", 4), (bo, "nps", 10),
        (CUSTOMERS[0], "csat", 5)])
    with Session(engine) as session:
        stored = "\n".join(str(r) for r in session.exec(select(Respondent)))
    assert "elsewhere" not in stored  # the e-mail itself is never kept
    # Nobody was messaged: an import surveys no one.
    assert sandbox.calls("chat.postMessage") == []


def test_a_bad_file_imports_nothing_and_says_where(
    env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    path = _file(tmp_path, "bad.csv", "customer,submitted_at,metric,score\n"
                                      f"{CUSTOMERS[0]},2026-07-01,nps,9\n"
                                      f"{CUSTOMERS[1]},2026-07-01,nps,11\n"
                                      f"{CUSTOMERS[2]},01/07/2026,csat,4\n")

    refused = bot(env, tmp_path, "responses", "import", path)

    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "error: Nothing imported: 2 problems in the file",
        "  line 3: score 11 is not on the NPS scale (0–10)",
        "  line 4: submitted_at '01/07/2026' is not a date: write 2026-01-31, or "
        "2026-01-31T14:05:00Z for a time",
        "Fix them, or import the valid rows with --skip-invalid.",
    ]
    assert _answers(engine) == []

    skipped = bot(env, tmp_path, "responses", "import", path, "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.splitlines()[1:] == [
        "  skipped line 3: score 11 is not on the NPS scale (0–10)",
        "  skipped line 4: submitted_at '01/07/2026' is not a date: write 2026-01-31, or "
        "2026-01-31T14:05:00Z for a time",
    ]
    assert _answers(engine) == [(CUSTOMERS[0], "nps", 9)]


@pytest.mark.parametrize(("content", "message"), [
    (b"customer;submitted_at\n", "line 1: needs the columns customer, submitted_at, metric, "
                                 "score"),
    ("customer,submitted_at,metric,score\nJosé,2026-01-01,nps,9\n".encode("latin-1"),
     "is not UTF-8 text (save it as CSV UTF-8)"),
])
def test_a_file_that_cannot_be_read_is_one_line(
    env: dict[str, str], tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    result = bot(env, tmp_path, "responses", "import", str(path))
    assert result.returncode == 2
    assert message in result.stderr
    missing = bot(env, tmp_path, "responses", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    assert "Cannot read" in missing.stderr


def test_outcomes_import_with_its_currency_then_the_export(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox, engine: Engine
) -> None:
    sandbox.add_user("U0ANA1", name="ana", email="ana@acme.test")
    path = _file(tmp_path, "outcomes.csv", "customer,event,date,amount\n"
                                           "ana@acme.test,renewed,2026-10-01,12000\n"
                                           "Acme,churned,2026-10-02,0\n")

    result = bot(env, tmp_path, "outcomes", "import", path, "--currency", "eur")
    again = bot(env, tmp_path, "outcomes", "import", path)
    exported = bot(env, tmp_path, "export", "--outcomes")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Imported 2 events of 2 customers: 2 added, 0 corrected, 0 already there.",
        "  amounts in EUR."]
    assert again.stdout.splitlines()[0].endswith("0 added, 0 corrected, 2 already there.")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["event"], r["amount"], r["currency"], r["respondent"], r["account"])
            for r in rows] == [
        ("renewed", "12000.0", "EUR", "U0ANA1", ""),
        ("churned", "0.0", "EUR", external_customer_id(CustomerRef(CustomerKind.ACCOUNT,
                                                                   "Acme")), "Acme")]
    assert "Exported 2 outcome events." in exported.stderr


def test_a_bad_currency_is_refused_before_anything_is_read(
    env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    path = _file(tmp_path, "outcomes.csv", "customer,event,date\nAcme,renewed,2026-10-01\n")

    result = bot(env, tmp_path, "outcomes", "import", path, "--currency", "EURO")

    assert result.returncode == 2
    assert "'EURO' is not a currency code: write three letters" in result.stderr
    with Session(engine) as session:
        assert session.exec(select(OutcomeEvent)).all() == []


def test_outcomes_currency_sets_and_clears_the_workspaces(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox, engine: Engine
) -> None:
    def chosen() -> str | None:
        with Session(engine) as session:
            row = session.get(WorkspaceSetting, sandbox.team_id)
            return None if row is None else row.currency

    assert bot(env, tmp_path, "outcomes", "currency", "gbp").stdout == (
        "Imported amounts are in GBP.\n")
    assert chosen() == "GBP"
    assert bot(env, tmp_path, "outcomes", "currency", "off").returncode == 0
    assert chosen() is None
    refused = bot(env, tmp_path, "outcomes", "currency", "12")
    assert refused.returncode == 2
    assert chosen() is None


def test_set_currency_in_slack_is_for_admins(
    slack: SignedSlackClient, sandbox: SlackSandbox, engine: Engine
) -> None:
    sandbox.add_user(ADMIN, name="admin", is_admin=True)

    refused = slack.slash_command(CUSTOMERS[0], "set currency EUR").json()
    by_staff = slack.slash_command(STAFF, "set currency EUR").json()
    assert "Only admins" in refused["text"]
    assert "Only admins" in by_staff["text"]  # staff see figures; admins change settings
    wrong = slack.slash_command(ADMIN, "set currency EURO").json()
    assert "is not a currency code" in str(wrong)
    with Session(engine) as session:
        assert session.get(WorkspaceSetting, sandbox.team_id) is None

    done = slack.slash_command(ADMIN, "set currency eur").json()

    assert "*EUR*" in done["text"]
    with Session(engine) as session:
        setting = session.get(WorkspaceSetting, sandbox.team_id)
        assert setting is not None
        assert (setting.currency, setting.updated_by) == ("EUR", ADMIN)
    assert "without a currency" in slack.slash_command(ADMIN, "set currency off").json()["text"]


def test_the_example_files_import(
    env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    answers = bot(env, tmp_path, "responses", "import", str(EXAMPLES / "responses.csv"))
    outcomes = bot(env, tmp_path, "outcomes", "import", str(EXAMPLES / "outcomes.csv"),
                   "--currency", "EUR")
    assert answers.returncode == 0, answers.stderr
    assert "0 corrected, 0 already there" in answers.stdout
    assert "skipped" not in answers.stdout
    assert outcomes.returncode == 0, outcomes.stderr
    assert "skipped" not in outcomes.stdout


def test_forget_finds_a_customer_an_import_brought_who_is_not_in_slack(
    env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    path = _file(tmp_path, "history.csv", "customer,submitted_at,metric,score\n"
                                          "bo@elsewhere.test,2026-07-02,nps,10\n"
                                          "Initech,2026-07-02,nps,3\n")
    assert bot(env, tmp_path, "responses", "import", path).returncode == 0
    outcomes = _file(tmp_path, "outcomes.csv", "customer,event,date\nInitech,churned,2026-08-01\n")
    assert bot(env, tmp_path, "outcomes", "import", outcomes).returncode == 0

    by_email = bot(env, tmp_path, "forget", "Bo@Elsewhere.test")
    by_account = bot(env, tmp_path, "forget", "initech")

    assert by_email.returncode == 0, by_email.stderr
    assert "response: 1" in by_email.stdout
    assert by_account.returncode == 0, by_account.stderr
    assert "response: 1" in by_account.stdout
    assert "outcome_event: 1" in by_account.stdout
    assert _answers(engine) == []
    unknown = bot(env, tmp_path, "forget", "Globex")
    assert unknown.returncode == 2
    assert "nor an account imported here" in unknown.stderr


def test_the_export_shows_imported_answers_marked_with_their_files_pulse(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = _file(tmp_path, "history.csv", "customer,submitted_at,metric,score,comment,pulse\n"
                                          f"{CUSTOMERS[0]},2026-07-01T08:00:00Z,nps,9,Fast,Q3\n"
                                          "Initech,2026-07-02,csat,2,,\n")
    assert bot(env, tmp_path, "responses", "import", path).returncode == 0

    exported = bot(env, tmp_path, "export")

    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    initech = external_customer_id(CustomerRef(CustomerKind.ACCOUNT, "Initech"))
    assert [(r["answered_at"], r["pulse"], r["wave_scheduled_for"], r["score"], r["comment"],
             r["respondent"], r["account"], r["imported"]) for r in rows] == [
        ("2026-07-01T08:00:00+00:00", "Q3", "", "9", "Fast", CUSTOMERS[0], "", "true"),
        ("2026-07-02T00:00:00+00:00", "", "", "2", "", initech, "Initech", "true"),
    ]
