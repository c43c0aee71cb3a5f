"""The digest: subscribed from Slack, posted once on time with its chart in the thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core.services import Services
from bot.digests.poster import post_due_digests
from bot.digests.subscriptions import DigestRequest, subscribe
from bot.pulses.definition import define_pulse, validate_policy
from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.slack.lookup import DIGEST
from storage import benchmarks as benchmark_store
from storage.digests import claim_post
from storage.engine import session_scope
from storage.models import DigestPost, DigestStatus, DigestSubscription, Metric, PulseMetric
from storage.respondents import CustomerRecord, upsert_customers
from tests.conftest import CUSTOMERS, STAFF, FakeClock, SendPulse
from tests.integration.helpers import click_score, comment

TEAM_CHANNEL = "C0TEAM"
ADMIN = "U0ADMIN"
MONDAY = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)  # the fixture clock starts Friday 20th


@pytest.fixture(autouse=True)
def _workspace(sandbox: SlackSandbox) -> None:
    sandbox.add_user(ADMIN, name="admin", is_admin=True)
    sandbox.add_channel(TEAM_CHANNEL, name="cx-team", members=[STAFF, ADMIN])


def _subscribe(services: Services, sandbox: SlackSandbox) -> int:
    return subscribe(services, create_web_client(services.settings), team_id=sandbox.team_id,
                     request=DigestRequest(channel_id=TEAM_CHANNEL), created_by=ADMIN)


def _answers(send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient) -> None:
    send_pulse()
    for user_id, score in zip(CUSTOMERS, (10, 9, 9, 6, 2), strict=True):
        click_score(sandbox, slack, user_id, score)
    comment(sandbox, slack, CUSTOMERS[4], "The export broke again <!channel> fix it")
    comment(sandbox, slack, CUSTOMERS[0], "Wonderful support, quick and kind")


def _digests(sandbox: SlackSandbox) -> list[dict[str, object]]:
    return [m for m in sandbox.messages(TEAM_CHANNEL) if not m.get("thread_ts")]


def test_the_digest_posts_on_monday_with_figures_benchmark_map_and_escaped_comments(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    _answers(send_pulse, sandbox, slack)
    client = create_web_client(services.settings)
    assert post_due_digests(services, client) == 0  # Friday: nothing due yet

    clock.now = MONDAY
    assert post_due_digests(services, client) == 1

    [digest] = _digests(sandbox)
    shown = str(digest["blocks"])
    assert "Engagement digest · week of 16 November 2026" in shown
    assert "*+20*" in shown  # NPS: 3 promoters, 1 passive... of 5 answers
    assert "Against the best" in shown
    assert "grade" in shown  # every benchmark line names its source and grade
    assert "Engagement map" in shown
    assert "&lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert digest["metadata"] == DIGEST.metadata(1)
    # The chart went into the digest's thread as a PNG.
    [reply] = [m for m in sandbox.messages(TEAM_CHANNEL) if m.get("thread_ts")]
    assert reply["thread_ts"] == digest["ts"]
    [png] = sandbox.uploads.values()
    assert png.startswith(b"\x89PNG")
    # The pulse asks nobody again within 90 days: a weekly point would hold one answer per
    # customer at most, so the chart is monthly.
    assert _chart_titles(sandbox) == ["NPS by month with its 95% interval"]


def _chart_titles(sandbox: SlackSandbox) -> list[str]:
    return [str(file["title"]) for call in sandbox.calls("files.completeUploadExternal")
            for file in call.response["files"]]


@pytest.mark.parametrize(
    ("policy", "title"),
    [
        ({"min_interval_days": 6}, "NPS by week with its 95% interval"),  # asked again in 6 days
        ({"min_interval_days": 7}, "NPS by month with its 95% interval"),  # at most weekly
        ({"min_interval_days": 0, "schedule": "weekly"}, "NPS by month with its 95% interval"),
        ({"min_interval_days": 0, "schedule": "0 9 * * MON,THU"},
         "NPS by week with its 95% interval"),
    ],
)
def test_the_chart_is_weekly_only_when_a_customer_can_answer_more_than_once_a_week(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock, policy: dict[str, object], title: str,
) -> None:
    _subscribe(services, sandbox)
    send_pulse(**policy)
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 9)
    clock.now = MONDAY

    assert post_due_digests(services, create_web_client(services.settings)) == 1

    assert _chart_titles(sandbox) == [title]


def test_a_restart_never_posts_a_digest_twice(
    services: Services, sandbox: SlackSandbox, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    clock.now = MONDAY
    client = create_web_client(services.settings)

    post_due_digests(services, client)
    clock.now += timedelta(hours=1)
    post_due_digests(services, client)
    post_due_digests(services, create_web_client(services.settings))  # another replica

    assert len(_digests(sandbox)) == 1


def test_a_week_with_no_answers_says_so(
    services: Services, sandbox: SlackSandbox, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    [digest] = _digests(sandbox)
    assert "No answers in the week of 16 November 2026" in str(digest["blocks"])
    assert "NPS" not in str(digest["text"]).replace("no NPS", "")


def test_a_poster_killed_after_slack_accepted_is_settled_from_slack(
    services: Services, sandbox: SlackSandbox, clock: FakeClock, engine: Engine,
) -> None:
    subscription = _subscribe(services, sandbox)
    fire = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    clock.now = MONDAY
    # A poster claimed the digest, Slack took the message, then the process died.
    with session_scope(services.engine) as session:
        claim = claim_post(session=session, subscription_id=subscription, scheduled_for=fire,
                           now=clock.now, lease=timedelta(minutes=5))
    assert claim is not None
    create_web_client(services.settings).chat_postMessage(
        channel=TEAM_CHANNEL, text="digest", metadata=DIGEST.metadata(claim.post_id))

    clock.now += timedelta(minutes=1)  # within the lease: nobody touches it
    post_due_digests(services, create_web_client(services.settings))
    clock.now += timedelta(minutes=10)  # past the lease: found in Slack, not posted again
    post_due_digests(services, create_web_client(services.settings))

    assert len(_digests(sandbox)) == 1
    with Session(engine) as session:
        post = session.exec(select(DigestPost)).one()
    assert post.status == DigestStatus.POSTED
    assert post.message_ts == _digests(sandbox)[0]["ts"]


def test_a_poster_killed_before_slack_answered_posts_once_after_the_lease(
    services: Services, sandbox: SlackSandbox, clock: FakeClock,
) -> None:
    subscription = _subscribe(services, sandbox)
    clock.now = MONDAY
    with session_scope(services.engine) as session:
        claim_post(session=session, subscription_id=subscription,
                   scheduled_for=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), now=clock.now,
                   lease=timedelta(minutes=5))

    clock.now += timedelta(minutes=10)
    post_due_digests(services, create_web_client(services.settings))

    assert len(_digests(sandbox)) == 1


def test_a_failed_chart_upload_is_retried_without_posting_again(
    services: Services, sandbox: SlackSandbox, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    clock.now = MONDAY
    sandbox.respond_error("files.getUploadURLExternal", "internal_error")
    client = create_web_client(services.settings)
    post_due_digests(services, client)
    assert sandbox.uploads == {}

    clock.now += timedelta(minutes=1)
    post_due_digests(services, create_web_client(services.settings))

    assert len(_digests(sandbox)) == 1
    assert len(sandbox.uploads) == 1


def test_an_archived_channel_is_recorded_and_not_retried(
    services: Services, sandbox: SlackSandbox, clock: FakeClock, engine: Engine,
) -> None:
    _subscribe(services, sandbox)
    clock.now = MONDAY
    sandbox.respond_error("chat.postMessage", "is_archived", times=5)

    post_due_digests(services, create_web_client(services.settings))
    clock.now += timedelta(hours=1)
    post_due_digests(services, create_web_client(services.settings))

    with Session(engine) as session:
        post = session.exec(select(DigestPost)).one()
    assert (post.status, post.error) == (DigestStatus.FAILED, "is_archived")
    assert len(sandbox.calls("chat.postMessage")) == 1


def test_few_answers_are_summarised_but_never_quoted(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    send_pulse(users=CUSTOMERS[:2])
    click_score(sandbox, slack, CUSTOMERS[0], 3)
    comment(sandbox, slack, CUSTOMERS[0], "Only I said this")
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    shown = str(_digests(sandbox)[0]["blocks"])
    assert "Only I said this" not in shown
    assert "too few people answered" in shown


def test_admins_subscribe_list_and_stop_from_slack_and_others_cannot(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
) -> None:
    refused = slack.slash_command(STAFF, "digest subscribe", channel_id=TEAM_CHANNEL)
    assert "Only admins" in refused.json()["text"]

    made = slack.slash_command(ADMIN, "digest subscribe monthly 08:30 Europe/Paris",
                               channel_id=TEAM_CHANNEL)
    assert "monthly digest at 08:30 Europe/Paris" in made.json()["text"]
    listed = slack.slash_command(ADMIN, "digest list", channel_id=TEAM_CHANNEL)
    assert "#1: <#C0TEAM>, monthly" in listed.json()["text"]
    wrong = slack.slash_command(ADMIN, "digest subscribe 25:00", channel_id=TEAM_CHANNEL)
    assert "not a time of day" in wrong.json()["text"]
    nowhere = slack.slash_command(ADMIN, "digest subscribe", channel_id="C0GONE")
    assert "channel_not_found" in nowhere.json()["text"]
    stopped = slack.slash_command(ADMIN, "digest stop 1", channel_id=TEAM_CHANNEL)
    assert "Digest #1 stopped" in stopped.json()["text"]

    with Session(engine) as session:
        [subscription] = session.exec(select(DigestSubscription)).all()
    assert (subscription.cadence, subscription.send_time, subscription.active) == (
        "monthly", "08:30", False)
    assert subscription.created_by == ADMIN


@pytest.mark.parametrize(
    "text",
    ["digest subscribe", "digest subscribe monthly 08:30 Europe/Paris",
     "digest subscribe segment:plan=enterprise segment:region=EMEA"],
)
def test_a_replayed_subscribe_makes_no_second_subscription(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, text: str,
) -> None:
    made = slack.slash_command(ADMIN, text, channel_id=TEAM_CHANNEL)
    assert "Digest #1" in made.json()["text"]

    replayed = slack.redeliver()  # the same signed request, within its 5 minutes

    assert replayed.status == 200
    assert "already gets" in replayed.json()["text"]
    with Session(engine) as session:
        assert len(session.exec(select(DigestSubscription)).all()) == 1
    # The same scope written another way is the same subscription; another scope is not.
    if "segment:" in text:
        again = slack.slash_command(
            ADMIN, "digest subscribe segment:Region=EMEA 10:00 segment:plan=enterprise",
            channel_id=TEAM_CHANNEL)
        assert "already gets" in again.json()["text"]
    else:
        other = slack.slash_command(ADMIN, f"{text} segment:plan=starter",
                                    channel_id=TEAM_CHANNEL)
        assert other.json()["text"].startswith("Digest #")
    # Once stopped, the channel may subscribe to it again.
    assert "stopped" in slack.slash_command(ADMIN, "digest stop 1",
                                            channel_id=TEAM_CHANNEL).json()["text"]
    assert slack.slash_command(ADMIN, text, channel_id=TEAM_CHANNEL).json()["text"].startswith(
        "Digest #")


def test_the_digest_reports_both_metrics(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    send_pulse(name="csat", metric=Metric.CSAT)
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 5, metric="csat")
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    assert "100%" in str(_digests(sandbox)[0]["blocks"])


def test_the_digest_measures_against_the_teams_target_and_own_benchmarks(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock,
) -> None:
    _subscribe(services, sandbox)
    _answers(send_pulse, sandbox, slack)
    with session_scope(services.engine) as session:
        benchmark_store.set_target(session=session, team_id=sandbox.team_id, metric=Metric.NPS,
                                   value=50, user_id=None, now=clock.now)
        benchmark_store.add_custom_benchmark(
            session=session, team_id=sandbox.team_id, metric=Metric.NPS, value=62,
            name="Acme <!channel>", year=2026, source=None, user_id=ADMIN, now=clock.now)
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    shown = str(_digests(sandbox)[0]["blocks"])
    assert "*Target NPS +50*: 30 points below" in shown
    assert "Acme &lt;!channel&gt;" in shown
    assert "custom figure (not published)" in shown


def test_a_digest_about_one_pulse_counts_only_its_answers(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock,
) -> None:
    send_pulse(name="happy-nps")
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 10)
    send_pulse(name="sad-nps", min_interval_days=0)
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 0)
    subscribe(services, create_web_client(services.settings), team_id=sandbox.team_id,
              request=DigestRequest(channel_id=TEAM_CHANNEL, pulse="happy-nps"),
              created_by=ADMIN)
    _subscribe(services, sandbox)  # and one about everything
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    by_scope = {("pulse happy-nps" in str(m["blocks"])): str(m["blocks"])
                for m in _digests(sandbox)}
    assert "*+100*  (5 answers)" in by_scope[True]
    assert "*+0*  (10 answers)" in by_scope[False] or "*0*  (10 answers)" in by_scope[False]
    assert "_(whole workspace)_" in by_scope[True]  # the map is not per pulse, and says so


def test_a_small_segment_is_held_back_and_never_quoted(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient,
    send_pulse: SendPulse, clock: FakeClock, engine: Engine,
) -> None:
    _answers(send_pulse, sandbox, slack)  # the pulse creates the workspace and respondents
    with session_scope(services.engine) as session:
        upsert_customers(session=session, team_id=sandbox.team_id, now=clock.now, records=[
            CustomerRecord(CUSTOMERS[0], "Acme", {"plan": "enterprise"}),
            CustomerRecord(CUSTOMERS[1], "Globex", {"plan": "enterprise"}),
        ])
    subscribe(services, create_web_client(services.settings), team_id=sandbox.team_id,
              request=DigestRequest(channel_id=TEAM_CHANNEL, segment=["plan=enterprise"]),
              created_by=ADMIN)
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    [digest] = _digests(sandbox)
    shown = str(digest["blocks"])
    assert "held back" in shown
    assert "customers where plan=enterprise" in shown
    assert "NPS" not in str(digest["text"])


def _both_metrics_answered(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, people: int, *,
    anonymous: bool = False,
) -> tuple[str, ...]:
    """`people` customers answer a pulse asking NPS and CSAT (two answers each) and comment."""
    users = (*CUSTOMERS, "U0CUST6", "U0CUST7")[:people]
    for user_id in users[len(CUSTOMERS):]:
        sandbox.add_user(user_id, name=user_id.lower())
    client = create_web_client(services.settings)
    define_pulse(services, client, name="both", metric=PulseMetric.BOTH, user_ids=list(users),
                 policy=validate_policy(metric=PulseMetric.BOTH), anonymous=anonymous)
    wave = open_pulse_wave(services, name="both", team_id=sandbox.team_id, client=client,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)
    for user_id in users:
        click_score(sandbox, slack, user_id, 9, metric="nps")
        click_score(sandbox, slack, user_id, 4, metric="csat")
        comment(sandbox, slack, user_id, f"Said by {user_id.lower()} only")
    return users


@pytest.mark.parametrize(("people", "shown"), [(3, False), (4, False), (5, True), (6, True)])
def test_a_segment_digest_counts_people_not_answers(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock,
    people: int, shown: bool,
) -> None:
    """With a minimum of 5: 3 people answering both metrics give 6 answers, and stay hidden."""
    assert services.settings.anonymity_minimum == 5
    users = _both_metrics_answered(services, sandbox, slack, people)
    with session_scope(services.engine) as session:
        upsert_customers(session=session, team_id=sandbox.team_id, now=clock.now, records=[
            CustomerRecord(user_id, f"Account {user_id}", {"plan": "enterprise"})
            for user_id in users
        ])
    client = create_web_client(services.settings)
    subscribe(services, client, team_id=sandbox.team_id, created_by=ADMIN,
              request=DigestRequest(channel_id=TEAM_CHANNEL, segment=["plan=enterprise"]))
    _subscribe(services, sandbox)  # the whole workspace: figures always, words from 5 people
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    by_scope = {("plan=enterprise" in str(m["blocks"])): str(m["blocks"])
                for m in _digests(sandbox)}
    assert ("held back" not in by_scope[True]) == shown
    assert ("*+100*" in by_scope[True]) == shown
    assert "*+100*" in by_scope[False]
    for digest in by_scope.values():
        assert ("Said by" in digest) == shown
        assert ("too few people answered" in digest) == (not shown and digest == by_scope[False])


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True)])
def test_a_digest_about_an_anonymous_pulse_holds_back_a_few_peoples_answers(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock,
    people: int, shown: bool,
) -> None:
    _both_metrics_answered(services, sandbox, slack, people, anonymous=True)
    subscribe(services, create_web_client(services.settings), team_id=sandbox.team_id,
              request=DigestRequest(channel_id=TEAM_CHANNEL, pulse="both"), created_by=ADMIN)
    clock.now = MONDAY

    post_due_digests(services, create_web_client(services.settings))

    [digest] = _digests(sandbox)
    blocks = str(digest["blocks"])
    assert ("held back" not in blocks) == shown
    assert ("*+100*" in blocks) == shown
    assert ("Said by" in blocks) == shown
