"""Someone who is not an admin tries every admin action: a plain "only admins" and no change.

The lists below are checked against the grammar and bot/core/ids.py, so a new admin subcommand,
button or modal that nobody classified here fails `test_every_action_is_classified`.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app.grammar import parse_engagement
from bot.benchmarks.grammar import SETTINGS_COMMANDS
from bot.core import ids
from bot.digests.grammar import DigestAction, DigestCommand
from bot.followups.grammar import SetAlerts
from bot.pulses.grammar import PulseAction, PulseCommand
from bot.workspaces.grammar import ACCESS_COMMANDS
from tests.conftest import CUSTOMERS, STAFF, SendPulse
from tests.property.conftest import ADMIN
from tests.property.harness import HostileBot, assert_refused_and_unchanged
from tests.property.payloads import block_action, user_field, view_submission

ADMIN_COMMANDS = (
    "pulse list", "pulse new", "pulse send nps-pulse", "pulse pause nps-pulse",
    "pulse resume nps-pulse", "pulse delete nps-pulse",
    "digest subscribe", "digest subscribe monthly 08:00 Europe/Paris pulse:nps-pulse",
    "digest list", "digest stop 1",
    "set industry b2b_saas_software", "set industry clear",
    "benchmark add nps 62 Acme year:2025 source:their report", "benchmark list",
    "benchmark remove 1", "target nps 50", "target clear csat",
    "set staff @cx-team", "set staff clear", "set alerts C0ALERTS", "set alerts off",
    "admin list", "admin add U0CUST2", "admin remove U0ADMIN",
)
# Buttons and modals by who may use them; the listeners enforce each.
ADMIN_ONLY = {"NEW_PULSE_ACTION", "NEW_PULSE_MODAL"}
STAFF_ONLY = {"FOLLOW_UP_OWN_ACTION", "FOLLOW_UP_REPLY_ACTION", "FOLLOW_UP_RESOLVE_ACTION",
              "FOLLOW_UP_REPLY_MODAL", "FOLLOW_UP_RESOLVE_MODAL", "ALL_BENCHMARKS_ACTION"}
RECIPIENT_ONLY = {"COMMENT_ACTION", "COMMENT_MODAL", "OPT_OUT_ACTION"}  # + the score buttons
ANYONE_FOR_THEMSELVES = {"HOME_OPT_OUT_ACTION", "HOME_OPT_IN_ACTION"}
NOT_ADMINS = (STAFF, CUSTOMERS[0])
# What a refusal may ask Slack first: who the person is, whether they are in the staff group.
READS = ("users.info", "usergroups.users.list", "conversations.info")


def test_every_action_is_classified() -> None:
    """A new admin subcommand, button or modal must be added to the lists above."""
    parsed = [parse_engagement(text) for text in ADMIN_COMMANDS]
    pulse_actions = {p.action for p in parsed if isinstance(p, PulseCommand)}
    digest_actions = {p.action for p in parsed if isinstance(p, DigestCommand)}
    settings_kinds = {type(p) for p in parsed if isinstance(p, SETTINGS_COMMANDS)}
    access_kinds = {type(p) for p in parsed if isinstance(p, ACCESS_COMMANDS)}
    assert pulse_actions == set(PulseAction)
    assert digest_actions == set(DigestAction)
    assert settings_kinds == set(SETTINGS_COMMANDS)
    assert access_kinds == set(ACCESS_COMMANDS)
    assert any(isinstance(p, SetAlerts) for p in parsed)
    declared = {name for name in dir(ids) if name.endswith(("_ACTION", "_MODAL"))}
    classified = ADMIN_ONLY | STAFF_ONLY | RECIPIENT_ONLY | ANYONE_FOR_THEMSELVES
    assert declared - {"SCORE_ACTION"} == classified


@pytest.fixture
def admin_state(hostile: HostileBot, send_pulse: SendPulse) -> HostileBot:
    """A pulse, a digest, a benchmark, a target and an industry that an action could change."""
    send_pulse()
    for text in ("digest subscribe", "benchmark add nps 62 Acme", "target nps 40",
                 "set industry b2b_saas_software"):
        outcome = hostile.command(ADMIN, text)
        assert outcome.changed, (text, outcome.refusal())
    return hostile


def test_a_non_admin_is_refused_every_admin_subcommand(admin_state: HostileBot) -> None:
    # One bot for all of them (a fresh one per command costs a migration each): every command
    # is tried, and the failures are reported together.
    wrong: list[str] = []
    for text in ADMIN_COMMANDS:
        for user_id in NOT_ADMINS:
            outcome = admin_state.command(user_id, text)
            try:
                assert_refused_and_unchanged(admin_state, outcome)
                assert "Only admins" in outcome.refusal(), outcome.refusal()
                assert [call.method for call in outcome.calls
                        if call.method not in READS] == []
            except AssertionError as failure:
                wrong.append(f"{user_id} /engagement {text}: {failure}")
    assert wrong == []


def _pulse_form() -> dict[str, Any]:
    field = ids.PULSE_FIELD_BLOCKS
    values = {"name": "sneaky", "metric": "nps", "users": [CUSTOMERS[0]]}
    state = {field[key]: {field[key]: {"type": "plain_text_input", "value": value}}
             for key, value in values.items()}
    state[field["users"]] = {field["users"]: {"type": "multi_users_select",
                                              "selected_users": [CUSTOMERS[0]]}}
    return state


def test_a_non_admin_cannot_open_or_submit_the_new_pulse_modal(admin_state: HostileBot) -> None:
    for user_id in NOT_ADMINS:
        _try_the_new_pulse_modal(admin_state, user_id)


def _try_the_new_pulse_modal(admin_state: HostileBot, user_id: str) -> None:
    sandbox = admin_state.sandbox
    click = admin_state.interaction(block_action(
        sandbox, user=user_field(user_id), team={"id": sandbox.team_id},
        action_id=ids.NEW_PULSE_ACTION, value=None, message=None))
    submit = admin_state.interaction(view_submission(
        sandbox, user=user_field(user_id), callback_id=ids.NEW_PULSE_MODAL, metadata="",
        values=_pulse_form()))

    for outcome in (click, submit):
        assert_refused_and_unchanged(admin_state, outcome)
        assert not [call for call in outcome.calls
                    if call.method in ("views.open", "chat.postMessage")]
    assert "Only admins" in submit.refusal()


def test_a_customer_cannot_act_on_a_follow_up(admin_state: HostileBot) -> None:
    """Follow-ups are for the team (staff), not for the customers being surveyed."""
    from tests.integration.helpers import click_score

    sandbox = admin_state.sandbox
    click_score(sandbox, admin_state.slack, CUSTOMERS[1], 0)  # a detractor: an alert
    admin_state.listeners.settle()
    alert = sandbox.messages("C0ALERTS")[-1]
    follow_up = next(element["value"] for block in alert["blocks"]
                     for element in block.get("elements", [])
                     if element.get("action_id") == ids.FOLLOW_UP_OWN_ACTION)
    customer = user_field(CUSTOMERS[0])
    for action_id in (ids.FOLLOW_UP_OWN_ACTION, ids.FOLLOW_UP_REPLY_ACTION,
                      ids.FOLLOW_UP_RESOLVE_ACTION):
        outcome = admin_state.interaction(block_action(
            sandbox, user=customer, team={"id": sandbox.team_id}, action_id=action_id,
            value=follow_up, message=alert))
        assert_refused_and_unchanged(admin_state, outcome)
        assert "Only the team" in outcome.refusal()
    for callback_id in (ids.FOLLOW_UP_REPLY_MODAL, ids.FOLLOW_UP_RESOLVE_MODAL):
        outcome = admin_state.interaction(view_submission(
            sandbox, user=customer, callback_id=callback_id, metadata=follow_up,
            values={ids.FOLLOW_UP_TEXT_BLOCK: {ids.FOLLOW_UP_TEXT_INPUT: {
                "type": "plain_text_input", "value": "<!channel> resolved by me"}}}))
        assert_refused_and_unchanged(admin_state, outcome)
        assert "Only the team" in outcome.refusal()
