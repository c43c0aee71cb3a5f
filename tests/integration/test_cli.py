"""The command line as a person runs it, in process (tests/integration/cli_runner.py), with the
sandbox as Slack; `run` is also started as a real process, serving real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, SIGNING_SECRET, STAFF, STAFF_GROUP
from tests.integration.cli_runner import CliResult, run_cli
from tests.integration.running_bots import start_run


@pytest.fixture
def env(sandbox: SlackSandbox, database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "ADMIN_", "STAFF_",
                                  "ALERT_"))}
    return clean | {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
        "STAFF_USERGROUP_ID": STAFF_GROUP,
    }


def bot(env: dict[str, str], cwd: Path, *args: str) -> CliResult:
    return run_cli(env, cwd, *args)


def test_create_send_twice_and_report(env: dict[str, str], tmp_path: Path,
                                      sandbox: SlackSandbox) -> None:
    assert "upgraded" in bot(env, tmp_path, "db", "upgrade").stdout
    created = bot(env, tmp_path, "pulse", "create", "q4", "--metric", "nps",
                  "--users", ",".join(CUSTOMERS[:3]))
    assert created.returncode == 0, created.stderr
    first = bot(env, tmp_path, "pulse", "send", "q4")
    second = bot(env, tmp_path, "pulse", "send", "q4")
    report = bot(env, tmp_path, "report", "--json")

    assert "sent 3 now" in first.stdout, first.stdout
    assert "sent 0 now" in second.stdout, second.stdout
    assert len(sandbox.calls("chat.postMessage")) == 3
    data = json.loads(report.stdout)["overview"]
    assert data["nps"] == {"score": None, "n": 0, "promoters": 0, "passives": 0,
                           "detractors": 0, "ci95": None}
    assert data["csat"]["n"] == 0
    assert data["responses"] == 0
    assert data["delivered"] == 3
    assert data["response_rate"] == 0.0
    assert sandbox.bot_token not in first.stdout + first.stderr + second.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--users", "U0NOBODY"), "U0NOBODY: Slack says user_not_found"),
        (("--users", "alice,bob"), "Not Slack user IDs: alice, bob"),
        (("--users", ""), "Choose who receives it"),
    ],
)
def test_pulse_create_with_bad_users_says_why_and_stores_nothing(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    bot(env, tmp_path, "db", "upgrade")
    result = bot(env, tmp_path, "pulse", "create", "bad", "--metric", "nps", *args)

    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {message}" or message in result.stderr
    assert "Traceback" not in result.stderr
    assert "No pulses yet" in bot(env, tmp_path, "pulse", "list").stderr


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxp-not-a-bot-token"}, "SLACK_BOT_TOKEN"),
        ({"PIN_TO_CPU": "-1"}, "PIN_TO_CPU"),
        ({"PIN_TO_CPU": "first"}, "PIN_TO_CPU"),
        # A core the machine has not got: refused before anything starts, not ignored.
        ({"PIN_TO_CPU": "4095"}, "PIN_TO_CPU"),
    ],
)
def test_bad_configuration_stops_run_with_one_line(
    env: dict[str, str], tmp_path: Path, change: dict[str, str], named: str
) -> None:
    bot(env, tmp_path, "db", "upgrade")
    result = bot(env | change, tmp_path, "run")

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "xoxp-not-a-bot-token" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two CPUs: pinned to the only one looks like not")
def test_run_holds_every_thread_to_the_core_pin_to_cpu_names(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox
) -> None:
    cpu = max(os.sched_getaffinity(0))
    bot(env, tmp_path, "db", "upgrade")
    running = start_run(env | {"PIN_TO_CPU": str(cpu)}, tmp_path, "pinned")
    try:
        slack = SignedSlackClient(bot_url=running.base_url + "/slack/events",
                                  signing_secret=SIGNING_SECRET, sandbox=sandbox)
        # Served: the request, listener and worker threads exist by now.
        assert slack.slash_command(STAFF, "help").status == 200
        tasks = Path(f"/proc/{running.pid}/task")
        held = {task.name: _allowed_cpus(task) for task in tasks.iterdir()}
    finally:
        running.stop()

    assert len(held) > 5, held
    assert set(held.values()) == {str(cpu)}, held
    assert f"every thread held to CPU {cpu}" in running.output()


def _allowed_cpus(task: Path) -> str:
    status = (task / "status").read_text()
    return next(line.split(":", 1)[1].strip() for line in status.splitlines()
                if line.startswith("Cpus_allowed_list:"))


def test_run_refuses_an_out_of_date_schema(env: dict[str, str], tmp_path: Path) -> None:
    result = bot(env, tmp_path, "run")

    assert result.returncode == 2
    assert "python -m bot db upgrade" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The smoke test of `python -m bot` itself: `run` as a real process, as a person starts it.
@pytest.fixture
def running_bot(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    bot(env, tmp_path, "db", "upgrade")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    # Stopped however this ends: a process left running surfaced later, in another test, as
    # a ResourceWarning. A slow machine gets time: the wait ends as soon as the bot answers.
    try:
        deadline = time.monotonic() + 60
        while True:  # a separate process: polling its health endpoint is the only signal
            try:
                with urlopen(base + "/healthz", timeout=5):  # noqa: S310 (local)
                    break
            except (URLError, ConnectionError, TimeoutError):  # refused, or accepted but slow
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.communicate()[0] if process.poll() is not None else ""
                    pytest.fail(f"bot did not start: {output}")
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()


def test_run_serves_signed_requests_and_refuses_forged_ones(
    running_bot: tuple[str, subprocess.Popen[str]], sandbox: SlackSandbox
) -> None:
    base, process = running_bot
    slack = SignedSlackClient(bot_url=base + "/slack/events", signing_secret=SIGNING_SECRET,
                              sandbox=sandbox)

    answered = slack.slash_command(STAFF, "help")
    forged = slack.post_raw(b"command=%2Fengagement&text=", signature="v0=" + "1" * 64)
    unsigned = slack.post_raw(b"command=%2Fengagement&text=", sign=False)

    assert answered.status == 200
    assert "What you can ask" in str(answered.json()["blocks"])
    assert (forged.status, unsigned.status) == (401, 401)
    process.terminate()
    output = process.communicate(timeout=15)[0]
    assert sandbox.bot_token not in output
    assert SIGNING_SECRET not in output


def test_scheduled_pulse_edit_pause_resume_delete_and_status(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox
) -> None:
    bot(env, tmp_path, "db", "upgrade")
    created = bot(env, tmp_path, "pulse", "create", "weekly", "--metric", "csat",
                  "--users", CUSTOMERS[0], "--schedule", "weekly", "--timezone", "Europe/Paris")
    assert "next wave" in created.stdout, created.stderr
    # Shown as written, not as the crontab line it is kept as.
    listed = bot(env, tmp_path, "pulse", "list").stdout
    assert "\tweekly (Europe/Paris)\n" in listed
    assert "0 9 * * MON" not in listed

    edited = bot(env, tmp_path, "pulse", "edit", "weekly", "--schedule", "monthly",
                 "--users", ",".join(CUSTOMERS[:2]))
    bot(env, tmp_path, "pulse", "pause", "weekly")
    listed = bot(env, tmp_path, "pulse", "list").stdout
    assert edited.returncode == 0, edited.stderr
    assert "CSAT\t2 named people\tpaused\tmonthly (Europe/Paris)" in listed
    bot(env, tmp_path, "pulse", "resume", "weekly")
    assert "\tactive\t" in bot(env, tmp_path, "pulse", "list").stdout

    bot(env, tmp_path, "pulse", "send", "weekly")
    status = bot(env, tmp_path, "pulse", "status", "weekly")
    assert "sent 2, pending 0, failed 0, answered 0 (0% response rate)" in status.stdout
    assert "(open) · monthly (Europe/Paris)\n" in status.stdout

    deleted = bot(env, tmp_path, "pulse", "delete", "weekly", "--yes")
    assert "answers stay in the reports" in deleted.stdout
    assert "No pulses yet" in bot(env, tmp_path, "pulse", "list").stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--schedule", "every monday"), "is not a schedule"),
        (("--schedule", "0 25 * * *"), "not a valid crontab line"),
        (("--timezone", "Mars/Olympus"), "Unknown time zone"),
        (("--close-after-days", "0"), "stay open 1–60 days"),
    ],
)
def test_a_bad_pulse_setting_is_named_and_nothing_is_saved(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    bot(env, tmp_path, "db", "upgrade")
    result = bot(env, tmp_path, "pulse", "create", "bad", "--metric", "nps",
                 "--users", CUSTOMERS[0], *args)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "No pulses yet" in bot(env, tmp_path, "pulse", "list").stderr


def test_benchmarks_industry_figures_and_targets_from_the_cli(
    env: dict[str, str], tmp_path: Path
) -> None:
    bot(env, tmp_path, "db", "upgrade")

    keys = bot(env, tmp_path, "benchmarks", "industry")
    industry = bot(env, tmp_path, "benchmarks", "industry", "insurance")
    added = bot(env, tmp_path, "benchmarks", "add", "--metric", "nps", "--value", "62",
                "--name", "Acme (competitor)", "--year", "2026", "--source", "their 2026 report")
    target = bot(env, tmp_path, "benchmarks", "target", "nps", "50")
    csat = bot(env, tmp_path, "benchmarks", "target", "csat", "85%")
    listed = bot(env, tmp_path, "benchmarks", "list")
    report = json.loads(bot(env, tmp_path, "report", "--json").stdout)

    assert "b2b_saas_software\tSoftware & SaaS" in keys.stdout
    assert "Industry set to Insurance (insurance)." in industry.stdout, industry.stderr
    saved = "NPS\t+62\tAcme (competitor)\t2026, added from the CLI, their 2026 report"
    assert saved in added.stdout
    assert "Target NPS set to +50." in target.stdout
    assert "Target CSAT set to 85%." in csat.stdout
    assert "Industry: Insurance\n" in listed.stdout  # its label, not the key
    assert "Target NPS: 50" in listed.stdout
    assert report["benchmarks"]["industry"] == "insurance"
    custom = report["benchmarks"]["comparisons"][0]["figures"][0]
    assert (custom["custom"], custom["source"], custom["value"]) == (True, "added from the CLI", 62)
    assert {t["metric"]: t["target"] for t in report["targets"]} == {"nps": 50, "csat": 85}
    assert report["themes"]["comments"] == 0

    figure_id = added.stdout.split("#")[1].split("\t")[0]
    removed = bot(env, tmp_path, "benchmarks", "remove", figure_id)
    bot(env, tmp_path, "benchmarks", "target", "clear", "nps")
    bot(env, tmp_path, "benchmarks", "industry", "--clear")
    listed = bot(env, tmp_path, "benchmarks", "list")
    assert f"Removed custom benchmark #{figure_id}." in removed.stdout
    assert "Industry: not set (cross-industry figures)" in listed.stdout
    assert "Target NPS" not in listed.stdout
    assert "No custom benchmarks yet." in listed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("industry", "fintech"), "Choose one of: automotive"),
        (("add", "--metric", "nps", "--value", "101", "--name", "Acme"), "NPS runs from"),
        (("add", "--metric", "csat", "--value", "90", "--name", "x" * 81), "at most 80"),
        (("add", "--metric", "nps", "--value", "9", "--name", "A", "--year", "1900"), "a year"),
        (("target", "csat", "120"), "CSAT % runs from 0 to 100"),
        (("target", "ces", "5"), "choose nps or csat"),
        (("remove", "42"), "There is no custom benchmark #42"),
    ],
)
def test_a_bad_benchmark_setting_is_named_and_nothing_is_saved(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    bot(env, tmp_path, "db", "upgrade")

    result = bot(env, tmp_path, "benchmarks", *args)
    listed = bot(env, tmp_path, "benchmarks", "list")

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "not set (cross-industry figures)" in listed.stdout
    assert "Target" not in listed.stdout
    assert "No custom benchmarks yet." in listed.stderr
