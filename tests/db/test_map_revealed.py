"""The engagement map's revealed axis: stated NPS beside renewals per place, counted on paper,
hidden under the anonymity minimum, the same in Slack, JSON and a kept snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.insights.engagement import Segment
from bot.reporting.detail_blocks import engagement_message
from bot.reporting.engagement_map import EngagementMap, build_engagement_map
from bot.reporting.report_json import engagement_json
from bot.reporting.snapshots import map_from, map_payload
from bot.reporting.summary_blocks import engagement_line
from storage.engine import session_scope
from storage.models import Metric, OutcomeKind
from tests.outcome_history import History, at

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # the last 90 days start 2026-08-22 09:00


def _map(engine: Engine, team_id: str, minimum: int = 5) -> EngagementMap:
    with session_scope(engine) as session:
        return build_engagement_map(session=session, team_id=team_id,
                                    period=PeriodSpec(days=90).resolve(NOW), minimum=minimum)


def _placed(h: History, user: str, nps: int, csat: int, day: str) -> None:
    """An NPS answer on `day` and a CSAT one the day after: enough to place the customer."""
    h.answer(user, nps, at(f"{day}-01"))
    h.answer(user, csat, at(f"{day}-02"), metric=Metric.CSAT)


def _history(engine: Engine) -> History:
    h = History(engine)
    # Five engaged advocates (NPS 10, CSAT 5): four renewed in the period, one churned; one of
    # the four had also churned before the period (not counted: outside it), and one renewed
    # and expanded (an expansion is not a renewal or churn).
    for n in range(5):
        user = f"U0ADV{n}"
        _placed(h, user, 10, 5, "2026-10")
        h.event(user, OutcomeKind.CHURNED if n == 4 else OutcomeKind.RENEWED, "2026-10-15")
    h.event("U0ADV0", OutcomeKind.CHURNED, "2026-08-21")
    h.event("U0ADV1", OutcomeKind.EXPANDED, "2026-10-20")
    # Two at risk (NPS 2, CSAT 1), both churned: fewer than five, so hidden.
    for n in range(2):
        user = f"U0RISK{n}"
        _placed(h, user, 2, 1, "2026-10")
        h.event(user, OutcomeKind.CHURNED, "2026-10-15")
    return h


def test_each_place_shows_stated_beside_revealed_loyalty(engine: Engine) -> None:
    h = _history(engine)

    engagement = _map(engine, h.team_id)

    advocates = engagement.loyalty(Segment.ENGAGED_ADVOCATE)
    # Stated: 5 promoters → NPS +100 (adjusted Wald: n' = 8, p' = 5.75/8 = .71875,
    # d' = .09375, centre .625, margin 1.96 × sqrt((.8125 − .390625)/8) = .45010 → +17 to +100).
    assert advocates.stated is not None
    assert advocates.stated.score == 100
    assert advocates.stated.ci95 is not None
    assert round(advocates.stated.ci95.low) == 17
    # Revealed: 4 renewed of 5 → 80%, Wilson 37.6% to 96.4% (worked in tests/unit/test_revealed).
    assert advocates.revealed is not None
    assert (advocates.revealed.renewed, advocates.revealed.churned) == (4, 1)
    at_risk = engagement.loyalty(Segment.AT_RISK)
    assert at_risk.customers == 2
    assert at_risk.stated is None
    assert at_risk.revealed is None
    # At a minimum of 3 the two at risk are still hidden; at 2 they show: 0 of 2 renewed.
    assert _map(engine, h.team_id, minimum=3).loyalty(Segment.AT_RISK).stated is None
    shown = _map(engine, h.team_id, minimum=2).loyalty(Segment.AT_RISK)
    assert shown.revealed is not None
    assert shown.revealed.percent == 0


def test_the_axis_reads_the_same_in_slack_json_and_a_kept_snapshot(engine: Engine) -> None:
    h = _history(engine)
    engagement = _map(engine, h.team_id)

    shown = str([block.to_dict() for block in engagement_message(engagement).blocks])
    line = engagement_line(engagement)
    data = engagement_json(engagement)["segments"]

    assert "stated NPS +100 (+17 to +100) · revealed: *80%* renewed (95% interval 38% to " \
           "96%) of 5 customers" in shown
    assert "stated and revealed loyalty hidden: too few customers" in shown
    assert "Revealed: Engaged advocates 80% renewed" in line
    assert "At risk" not in line.split("Revealed:")[1]
    assert data["engaged_advocate"]["revealed"] == {
        "renewed": 4, "churned": 1, "renewal_rate": 80.0, "ci95": [37.6, 96.4]}
    assert data["engaged_advocate"]["stated_nps"]["score"] == 100.0
    assert data["at_risk"]["revealed"] is None
    assert data["at_risk"]["stated_nps"] is None
    kept = map_from(map_payload(engagement), engagement.period, minimum=5)
    assert kept == engagement


def test_each_share_reads_with_its_interval_and_how_it_moved(engine: Engine) -> None:
    h = _history(engine)
    # The period before: two customers at risk, who did not answer since.
    for n in range(2):
        _placed(h, f"U0OLD{n}", 2, 1, "2026-07")

    engagement = _map(engine, h.team_id)
    shown = str([block.to_dict() for block in engagement_message(engagement).blocks])
    line = engagement_line(engagement)

    # 5 of 7 placed are engaged advocates: Wilson centre (5/7 + 1.96²/14)/(1 + 1.96²/7) = .638,
    # margin 1.96·√((5/7)(2/7)/7 + 1.96²/196)/(1 + 1.96²/7) = .279 → 36% to 92%; none before.
    assert "*Engaged advocates* — 71% (36% to 92%; +71 points) · 5 customers" in shown
    # 2 of 7 at risk, against 2 of 2 before: −71 points.
    assert "*At risk* — 29% (8% to 64%; −71 points) · 2 customers" in shown
    assert "Engaged advocates 71% (36% to 92%; +71)" in line
    assert "Satisfied, not loyal 0% (0% to 35%; 0)" in line
