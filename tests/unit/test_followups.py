"""Closing the loop's pure parts: what raises a follow-up, medians, and how the alert reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.grammar import parse_engagement
from bot.followups.alert_blocks import alert_message, customer_reply_text
from bot.followups.blocks import fmt_duration
from bot.insights.followups import (
    FollowUpFacts,
    follow_up_summary,
    is_detractor,
    is_strongly_negative,
)
from bot.reporting.grammar import EngagementQuery, QueryKind
from bot.sandbox.blockkit_limits import block_problems
from storage.followups import FollowUpDetails, PastAnswer
from storage.models import FollowUp, Metric

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_detractors_are_nps_0_to_6_and_csat_1_to_2() -> None:
    assert [s for s in range(11) if is_detractor("nps", s)] == list(range(7))
    assert [s for s in range(1, 6) if is_detractor("csat", s)] == [1, 2]


def test_only_clearly_negative_comments_count() -> None:
    assert is_strongly_negative("negative", -0.35)
    assert not is_strongly_negative("negative", -0.3)
    assert not is_strongly_negative("neutral", -0.9)


def test_summary_medians_count_only_follow_ups_that_reached_the_milestone() -> None:
    facts = [
        FollowUpFacts(T0, T0 + timedelta(hours=1), T0 + timedelta(days=1)),
        FollowUpFacts(T0, T0 + timedelta(hours=3), None),
        FollowUpFacts(T0, T0 + timedelta(hours=50), T0 + timedelta(days=3)),
        FollowUpFacts(T0, None, None),
    ]
    summary = follow_up_summary(facts)
    assert (summary.raised, summary.responded, summary.resolved, summary.still_open) == (
        4, 3, 2, 2)
    assert summary.median_first_response == timedelta(hours=3)
    assert summary.median_close == timedelta(days=2)
    empty = follow_up_summary([])
    assert empty.median_first_response is None
    assert empty.median_close is None


def test_durations_read_at_a_glance() -> None:
    assert fmt_duration(None) == "–"
    assert fmt_duration(timedelta(minutes=42)) == "42 min"
    assert fmt_duration(timedelta(hours=5, minutes=59)) == "5 h"
    assert fmt_duration(timedelta(days=2)) == "2 d"
    assert fmt_duration(timedelta(days=2, hours=3)) == "2 d 3 h"


def _details(**changes: object) -> FollowUpDetails:
    row = FollowUp(id=7, team_id="T1", delivery_id=1, metric=Metric.NPS, raised_score=2,
                   score=2, comment="<!channel> " + "so bad " * 1000, raised_at=T0,
                   touched_at=T0, **changes)
    return FollowUpDetails(row=row, user_id="U1", account="<Acme>",
                           history=[PastAnswer(Metric.CSAT, 4, T0 - timedelta(days=30))],
                           pulse_count=3)


def test_the_alert_escapes_customer_text_and_fits_slacks_limits() -> None:
    message = alert_message(_details())
    rendered = str([block.to_dict() for block in message.blocks])
    assert "<!channel>" not in rendered
    assert "&lt;Acme&gt;" in rendered
    assert "Earlier answers: CSAT 4 (2026-10-02) · 3 pulses sent" in rendered
    assert block_problems([block.to_dict() for block in message.blocks], "message") == []


def test_a_resolved_alert_has_no_buttons_and_shows_the_note_escaped() -> None:
    message = alert_message(_details(resolved_at=T0, resolved_by="U9", owner_user_id="U9",
                                     resolution_note="<@U2> called"))
    kinds = [block.to_dict()["type"] for block in message.blocks]
    assert "actions" not in kinds
    assert "&lt;@U2&gt; called" in str([block.to_dict() for block in message.blocks])


def test_the_customer_reply_cannot_ping() -> None:
    text = customer_reply_text(replier_id="U9", team_name="A&B", reply="<!everyone> sorry")
    assert text.startswith("<@U9> from A&amp;B replied to your feedback:")
    assert "&lt;!everyone&gt; sorry" in text


def test_the_grammar_knows_followups_with_a_period() -> None:
    query = parse_engagement("followups 30d")
    assert isinstance(query, EngagementQuery)
    assert query.kind is QueryKind.FOLLOWUPS
    assert query.period.days == 30


def test_a_malformed_alert_channel_stops_start_up_naming_it() -> None:
    import pytest

    from bot.core.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="ALERT_CHANNEL_ID"):
        load_settings(env_file=None, alert_channel_id="#cx-alerts")
    assert load_settings(env_file=None, alert_channel_id="").alert_channel_id is None
    assert load_settings(env_file=None).follow_up_reminder_days == 2
