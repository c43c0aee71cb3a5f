"""Audiences: a channel's people, customers by segment; bad input saves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core.services import Services
from bot.pulses.audience import Audience
from bot.pulses.definition import InvalidField, define_pulse, validate_policy
from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.workspaces.customers import ImportRefused, import_customers
from storage.models import Metric, Pulse, Respondent
from tests.conftest import CUSTOMERS, STAFF


def _send(services: Services, sandbox: SlackSandbox, audience: Audience) -> set[str]:
    """Define a pulse for the audience, send its wave; the users who got a DM."""
    client = create_web_client(services.settings)
    define_pulse(services, client, name="p", metric=Metric.CSAT, audience=audience,
                 policy=validate_policy(metric=Metric.CSAT, min_interval_days=0))
    wave = open_pulse_wave(services, name="p", team_id=sandbox.team_id, client=client,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)
    return {c.args["channel"] for c in sandbox.calls("chat.postMessage")}


def test_a_channel_audience_reaches_its_people_only(
    services: Services, sandbox: SlackSandbox
) -> None:
    sandbox.add_user("U0HELPER", name="helper-bot", is_bot=True)
    sandbox.add_user("U0GONE", name="gone", deleted=True)
    sandbox.add_channel("C0CUSTOMERS", name="acme-shared",
                        members=[CUSTOMERS[0], CUSTOMERS[1], "U0HELPER", "U0GONE", "U0BOT"])

    reached = _send(services, sandbox, Audience(channel="C0CUSTOMERS"))

    assert reached == {CUSTOMERS[0], CUSTOMERS[1]}


def test_an_unknown_channel_is_refused_and_nothing_is_saved(
    services: Services, engine: Engine
) -> None:
    with pytest.raises(InvalidField, match="channel_not_found") as raised:
        define_pulse(services, create_web_client(services.settings), name="p",
                     metric=Metric.NPS, audience=Audience(channel="C0NOPE"))
    assert raised.value.field == "channel"
    with Session(engine) as session:
        assert session.exec(select(Pulse)).all() == []


CSV = """Slack_User_ID,Email,Company,Plan,Region
U0CUST1,,Acme,enterprise,EMEA
,cust2@example.com,Globex,enterprise,AMER
U0CUST3,,Initech,starter,EMEA
"""


def test_imported_customers_are_surveyed_by_segment(
    services: Services, sandbox: SlackSandbox, engine: Engine
) -> None:
    sandbox.add_user("U0CUST2B", name="c2", email="cust2@example.com")

    report = import_customers(services, create_web_client(services.settings), CSV)
    reached = _send(services, sandbox, Audience(segment={"plan": "Enterprise"}))

    assert report.imported == 3
    assert reached == {"U0CUST1", "U0CUST2B"}
    with Session(engine) as session:
        acme = session.exec(select(Respondent).where(Respondent.user_id == "U0CUST1")).one()
    assert acme.account == "Acme"
    assert acme.attributes == {"plan": "enterprise", "region": "EMEA"}


def test_a_file_with_mistakes_imports_nothing_unless_told_to_skip_them(
    services: Services, sandbox: SlackSandbox, engine: Engine
) -> None:
    bad = CSV + "alice,,X,starter,EMEA\n,nobody@example.com,Y,starter,EMEA\nU0CUST1,,Dup,,\n"
    client = create_web_client(services.settings)

    with pytest.raises(ImportRefused) as refused:
        import_customers(services, client, bad)

    assert [p.split(":")[0] for p in refused.value.problems] == [
        "line 5", "line 7", "line 3", "line 6"
    ]
    assert "'alice' is not a Slack user ID" in str(refused.value)
    with Session(engine) as session:
        assert session.exec(select(Respondent)).all() == []

    sandbox.add_user("U0CUST2B", name="c2", email="cust2@example.com")
    report = import_customers(services, client, bad, skip_invalid=True)
    assert report.imported == 3
    assert len(report.skipped) == 3


def test_a_file_without_an_identity_column_is_refused(services: Services) -> None:
    with pytest.raises(ImportRefused, match="slack_user_id or an email column"):
        import_customers(services, create_web_client(services.settings), "name,plan\nA,b\n")


def test_staff_named_alongside_a_channel_are_surveyed_once(
    services: Services, sandbox: SlackSandbox
) -> None:
    sandbox.add_channel("C0MIX", name="mix", members=[CUSTOMERS[0], STAFF])

    reached = _send(services, sandbox, Audience(users=[CUSTOMERS[0]], channel="C0MIX"))

    assert sorted(reached) == sorted({CUSTOMERS[0], STAFF})
    assert len(sandbox.calls("chat.postMessage")) == 2


def test_a_user_group_audience_reaches_its_people_with_their_time_zones(
    services: Services, sandbox: SlackSandbox, engine: Engine
) -> None:
    sandbox.add_user("U0TOKYO", name="tokyo", tz="Asia/Tokyo")
    sandbox.add_user("U0GROUPBOT", name="group-bot", is_bot=True)
    sandbox.add_usergroup("S0CSM", handle="csm", users=[CUSTOMERS[2], "U0TOKYO", "U0GROUPBOT"])

    reached = _send(services, sandbox, Audience(usergroup="S0CSM"))

    assert reached == {CUSTOMERS[2], "U0TOKYO"}
    with Session(engine) as session:
        tokyo = session.exec(select(Respondent).where(Respondent.user_id == "U0TOKYO")).one()
    assert tokyo.tz == "Asia/Tokyo"  # learnt while listing: --local-time needs it


@pytest.mark.parametrize("group", ["S0NOPE", "not-a-group"])
def test_an_unknown_user_group_is_refused_and_nothing_is_saved(
    services: Services, engine: Engine, group: str
) -> None:
    with pytest.raises(InvalidField, match=r"no_such_subteam|not a user group") as raised:
        define_pulse(services, create_web_client(services.settings), name="p",
                     metric=Metric.NPS, audience=Audience(usergroup=group))
    assert raised.value.field == "usergroup"
    with Session(engine) as session:
        assert session.exec(select(Pulse)).all() == []
