"""`make demo`: the whole loop on a fresh SQLite file against the local Slack sandbox.

A pulse goes out, simulated customers click and comment through signed requests, and staff
ask /engagement: everything travels over real HTTP, exactly as it would with Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from slack_sdk import WebClient

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core import ids
from bot.core.periods import PeriodSpec
from bot.core.services import Services, create_services
from bot.core.text import fmt_interval, fmt_percent, fmt_score
from bot.demo.loading import load_history
from bot.digests.poster import post_due_digests
from bot.digests.subscriptions import DigestRequest, subscribe
from bot.pulses.definition import define_pulse
from bot.pulses.dispatch import DispatchSummary, deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.reporting.drift.alerts import check_drift
from bot.reporting.figures import build_overview, overview_json
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.render import print_blocks
from bot.sandbox.settings import sandbox_settings
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.workspaces.installations import identify_workspace
from storage.engine import session_scope
from storage.followups import set_alert_channel
from storage.migrate import upgrade
from storage.models import Metric

DEMO_SIGNING_SECRET = "demo-signing-secret-not-a-real-one"  # noqa: S105 (sandbox only)
STAFF = ("U0DEMOSTAFF", "Dana (Customer Success)")
STAFF_GROUP = "S0DEMOCX"
DIGEST_CHANNEL = "C0DEMOCX"
ALERT_CHANNEL = "C0DEMOALERTS"


@dataclass(frozen=True)
class Customer:
    user_id: str
    name: str
    tz: str
    score: int
    csat: int
    comment: str | None = None
    first_try: int | None = None  # clicked this first, then changed their mind
    double_click: bool = False


CUSTOMERS = (
    Customer("U0DEMO01", "Amara Okafor", "Africa/Lagos", 10, 5,
             "Support fixed our SSO problem in an hour. Brilliant team!"),
    Customer("U0DEMO02", "Bruno Costa", "America/Sao_Paulo", 9, 4,
             "Support is quick, but the CSV export could be faster.", first_try=7),
    Customer("U0DEMO03", "Chen Wei", "Asia/Shanghai", 8, 3,
             "Good product, but the reporting export is slow for big accounts."),
    Customer("U0DEMO04", "Dmitri Ivanov", "Europe/Berlin", 3, 1,
             "Billing was wrong twice and nobody answered my ticket. <!channel> please look!",
             double_click=True),
    Customer("U0DEMO05", "Emma Jones", "Europe/London", 9, 5,
             "Great support team, always helpful."),
    Customer("U0DEMO06", "Farid Haddad", "Asia/Dubai", 6, 4,
             "Onboarding was confusing; a checklist would help."),
    Customer("U0DEMO07", "Grace Kim", "Asia/Seoul", 10, 2,
             "Love the product, but the billing emails confuse our finance team.",
             double_click=True),
)


def run_demo(console: Console, workdir: Path) -> dict[str, Any]:
    """Run the demo; returns the final report as `report --json` would print it."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "demo.db"
    for stale in workdir.glob("demo.db*"):
        stale.unlink()
    with SlackSandbox(team_name="Acme Support (sandbox)") as sandbox:
        sandbox.add_user(STAFF[0], name="dana", real_name=STAFF[1])
        sandbox.add_usergroup(STAFF_GROUP, handle="customer-success", users=[STAFF[0]])
        for customer in CUSTOMERS:
            sandbox.add_user(customer.user_id, name=customer.name.split()[0].lower(),
                             real_name=customer.name, tz=customer.tz)
        settings = sandbox_settings(
            sandbox,
            signing_secret=DEMO_SIGNING_SECRET,
            database_url=f"sqlite:///{database}",
            staff_usergroup_id=STAFF_GROUP,  # Dana sees the figures as one of the CX team
        )
        services = create_services(settings)
        upgrade(services.engine)
        client = create_web_client(settings)
        console.rule("[bold]1. An NPS pulse goes out")
        team = identify_workspace(client)
        summary = _send(services, client, team.team_id, "demo-nps", Metric.NPS)
        console.print(f"Sent {summary.sent} direct messages through the sandbox's Web API.")
        first = sandbox.messages(sandbox.dm_channel(CUSTOMERS[0].user_id))[-1]
        print_blocks(console, first["blocks"], title=f"What {CUSTOMERS[0].name} sees")

        app = create_app(services, client)
        with serve_in_background(create_asgi_app(app, services.engine)) as base_url:
            slack = SignedSlackClient(bot_url=base_url + EVENTS_PATH,
                                      signing_secret=DEMO_SIGNING_SECRET, sandbox=sandbox)
            console.rule("[bold]2. Customers answer (signed block_actions and view_submissions)")
            for customer in CUSTOMERS:
                _answer(console, sandbox, slack, customer)
            console.rule("[bold]3. A CSAT pulse follows; the same customers answer")
            _send(services, client, team.team_id, "demo-csat", Metric.CSAT)
            for customer in CUSTOMERS:
                _click(sandbox, slack, customer.user_id, "csat", customer.csat)
            console.print("Seven CSAT answers stored: "
                          + ", ".join(str(c.csat) for c in CUSTOMERS))
            console.rule("[bold]4. A year of history arrives (customers, responses, outcomes and "
                         "followups import)")
            _history(console, services, client, sandbox, team.team_id)
            console.rule("[bold]5. The team asks /engagement")
            for text in ("", "trend", "movement", "followups effect", "outcomes", "drivers",
                         "map", "map movement", "plan", "comments", "themes", "benchmark"):
                reply = slack.slash_command(STAFF[0], text)
                body = reply.json()
                print_blocks(console, body.get("blocks", []),
                             title=f"/engagement {text}".strip() + " (only visible to you)")
        console.rule("[bold]6. Monday morning: the weekly digest in #cx-team")
        chart = _digest(console, services, client, sandbox, team.team_id, workdir)
        console.print(f"The digest's NPS chart, as uploaded into its thread: {chart}",
                      markup=False)
        with session_scope(services.engine) as session:
            period = PeriodSpec().resolve(services.clock())
            report = overview_json(build_overview(session=session, team_id=team.team_id,
                                                  period=period))
        services.engine.dispose()
        problems = list(sandbox.problems)
    nps = report["nps"]
    console.rule("[bold]Result")
    console.print(
        f"NPS {fmt_score(nps['score'])} from {nps['n']} answers "
        f"(95% interval {fmt_interval(*nps['ci95'], signed=True)}); "
        f"response rate {fmt_percent(report['response_rate'])}. Database: {database}",
        markup=False,
    )
    if problems:
        console.print(f"[red]Block Kit problems seen by the sandbox: {problems}")
    return report


def _history(console: Console, services: Services, client: WebClient, sandbox: SlackSandbox,
             team_id: str) -> None:
    """A year of history through the same importers a team uses, follow-ups on the detractor
    answers the history says the team replied to, then the leader's drift check posting to the
    alert channel."""
    loaded = load_history(services, client, team_id=team_id)
    console.print(loaded.summary() + ".")
    console.print(f"The team's follow-ups of {loaded.followed_up} detractor answers "
                  "(followups import): replied the next day, resolved in three.")
    sandbox.add_channel(ALERT_CHANNEL, name="cx-alerts", members=[STAFF[0]])
    with session_scope(services.engine) as session:
        set_alert_channel(session=session, team_id=team_id, channel_id=ALERT_CHANNEL,
                          user_id=STAFF[0], now=services.clock())
    check_drift(services, client, team_id=team_id)
    for message in sandbox.messages(ALERT_CHANNEL):
        print_blocks(console, message.get("blocks", []), title="#cx-alerts · Engagement bot")


def _digest(
    console: Console, services: Services, client: WebClient, sandbox: SlackSandbox,
    team_id: str, workdir: Path,
) -> Path:
    """Subscribe a channel, then let the poster run as it would next Monday at 09:05."""
    sandbox.add_channel(DIGEST_CHANNEL, name="cx-team", members=[STAFF[0]])
    subscribe(services, client, team_id=team_id, request=DigestRequest(DIGEST_CHANNEL),
              created_by=STAFF[0])
    today = services.clock()
    monday = today + timedelta(days=7 - today.weekday())
    at = datetime.combine(monday.date(), time(9, 5), tzinfo=UTC)
    post_due_digests(Services(services.settings, services.engine, lambda: at), client)
    [digest] = [m for m in sandbox.messages(DIGEST_CHANNEL) if not m.get("thread_ts")]
    print_blocks(console, digest["blocks"], title="#cx-team · Engagement bot")
    chart = workdir / "digest-nps-trend.png"
    chart.write_bytes(next(iter(sandbox.uploads.values())))
    return chart


def _answer(console: Console, sandbox: SlackSandbox, slack: SignedSlackClient,
            customer: Customer) -> None:
    channel = sandbox.dm_channel(customer.user_id)
    clicks = [customer.first_try] if customer.first_try is not None else []
    clicks += [customer.score] * (2 if customer.double_click else 1)
    for score in clicks:
        _click(sandbox, slack, customer.user_id, "nps", score)
    note = f" (changed from {customer.first_try})" if customer.first_try is not None else ""
    note += " (clicked twice, counted once)" if customer.double_click else ""
    console.print(f"{customer.name} chose {customer.score}{note}")
    if customer.comment is None:
        return
    opened = len(sandbox.calls("views.open"))
    slack.click(customer.user_id, sandbox.messages(channel)[-1], ids.COMMENT_ACTION)
    view = sandbox.wait_for("views.open", count=opened + 1)[-1].response["view"]
    updates = len(sandbox.calls("chat.update"))
    slack.submit_view(customer.user_id, view,
                      {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: customer.comment}})
    sandbox.wait_for("chat.update", count=updates + 1)
    console.print(f"  and commented: “{customer.comment}”", markup=False)


def _send(services: Services, client: WebClient, team_id: str, name: str,
          metric: Metric) -> DispatchSummary:
    define_pulse(services, client, name=name, metric=metric,
                 user_ids=[c.user_id for c in CUSTOMERS])
    wave = open_pulse_wave(services, name=name, team_id=team_id,
                           scheduled_for=manual_wave_time(services.clock()))
    return deliver_due(services, client, wave_id=wave.wave_id)


def _click(sandbox: SlackSandbox, slack: SignedSlackClient, user_id: str, metric: str,
           score: int) -> None:
    before = len(sandbox.calls("chat.update"))
    message = sandbox.messages(sandbox.dm_channel(user_id))[-1]
    slack.click(user_id, message, ids.score_action_id(metric, score))
    sandbox.wait_for("chat.update", count=before + 1)
