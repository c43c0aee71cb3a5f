"""When /engagement answers from a snapshot (the map, with `map movement` and the plan kept in
it; segments, themes, movement, the loop effect, outcomes, drivers), and keeping them fresh.

Those cost what the period holds, not what rollups hold: at a million answers and 20,000
customers the map takes one to three seconds, a segment about one, themes one or two (reading
and scanning the period's comments), against ~10 ms at a thousand. Every other /engagement
answer reads day rollups. So an answer that was slow to compute is kept, finished and small
(storage.report_snapshots); while it is younger than twice REPORT_SNAPSHOT_MINUTES it is the
answer, and the period's label says "as of HH:MM UTC"; the scheduler's leader recomputes the
ones people read every REPORT_SNAPSHOT_MINUTES and drops those nobody read for a day. A fast
one is always computed live, so a small workspace never sees a figure that is minutes old. The
digest and `report --json` never use snapshots.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from time import perf_counter
from typing import Any

from sqlmodel import Session

from bot.core.periods import Calendar, Period, PeriodSpec
from bot.core.services import Services
from bot.followups.effect import build_loop_effect, loop_effect_payload
from bot.insights.continuum import ContinuumMovement, PlaceAdvocacy
from bot.insights.engagement import Mix, Retention, Segment, mix_change
from bot.insights.revealed import PlaceCounts
from bot.insights.themes import Theme
from bot.reporting.continuum import (
    AdvocacyReport,
    ContinuumReport,
    PlanReport,
    build_advocacy,
    continuum_from,
    continuum_payload,
    period_standings,
    places_from,
    plan_from,
    plan_payload,
)
from bot.reporting.drivers import build_drivers, drivers_payload
from bot.reporting.engagement_map import DEFAULT_MINIMUM, EngagementMap, build_engagement_map
from bot.reporting.movement import movement_payload
from bot.reporting.outcomes import build_outcomes, outcomes_payload
from bot.reporting.themes import ThemesReport, build_themes
from storage.engagement_counts import counted
from storage.engine import session_scope
from storage.models import Metric
from storage.report_snapshots import (
    SnapshotKey,
    drop_snapshots,
    due_for_refresh,
    load_snapshot,
    mark_read,
    save_snapshot,
)
from storage.reporting import SegmentCounts, segment_counts

logger = logging.getLogger(__name__)

MAP, SEGMENT, THEMES = "map", "segment", "themes"
MOVEMENT, LOOP_EFFECT = "movement", "loop_effect"
OUTCOMES, DRIVERS = "outcomes", "drivers"
# A snapshot nobody asked for in a day stops being recomputed; a few per cycle keep the
# leader's other duties (opening waves, closing them) on time.
READ_WINDOW = timedelta(days=1)
REFRESH_PER_CYCLE = 4
# Reading is what keeps a snapshot refreshed; noting it once a minute spares most reads a write.
MARK_READ_EVERY = timedelta(minutes=1)

Payload = dict[str, Any]


@dataclass(frozen=True)
class Snapshotted:
    payload: Payload
    period: Period
    as_of: datetime | None  # None: computed just now


# ---- The period asked for, as a key and back -------------------------------------------------

def spec_key(spec: PeriodSpec) -> str:
    if spec.since is not None:
        return f"since {spec.since.isoformat()}"
    if spec.calendar is not None:
        return spec.calendar.value
    return f"{spec.days}d"


def spec_from_key(key: str) -> PeriodSpec:
    if key.startswith("since "):
        return PeriodSpec(days=None, since=date.fromisoformat(key.removeprefix("since ")))
    if key in {c.value for c in Calendar}:
        return PeriodSpec(days=None, calendar=Calendar(key))
    return PeriodSpec(days=int(key.removesuffix("d")))


def map_key(team_id: str, spec: PeriodSpec) -> SnapshotKey:
    return SnapshotKey(team_id, MAP, spec_key(spec))


def segment_key(team_id: str, spec: PeriodSpec, attribute: str) -> SnapshotKey:
    return SnapshotKey(team_id, SEGMENT, f"{spec_key(spec)}|{attribute}")


def themes_key(team_id: str, spec: PeriodSpec) -> SnapshotKey:
    return SnapshotKey(team_id, THEMES, spec_key(spec))


def movement_key(team_id: str, spec: PeriodSpec) -> SnapshotKey:
    return SnapshotKey(team_id, MOVEMENT, spec_key(spec))


def loop_effect_key(team_id: str, spec: PeriodSpec) -> SnapshotKey:
    return SnapshotKey(team_id, LOOP_EFFECT, spec_key(spec))


def outcomes_key(team_id: str, spec: PeriodSpec) -> SnapshotKey:
    return SnapshotKey(team_id, OUTCOMES, spec_key(spec))


def drivers_key(team_id: str, spec: PeriodSpec, minimum: int) -> SnapshotKey:
    """Which segments may show depends on the anonymity minimum: it is part of the key."""
    return SnapshotKey(team_id, DRIVERS, f"{spec_key(spec)}|{minimum}")


# ---- What is kept (the finished answer, small), and read back ---------------------------------

def map_payload(engagement: EngagementMap) -> Payload:
    return {
        "mix": {segment.value: n for segment, n in engagement.mix.counts.items()},
        "previous": {segment.value: n for segment, n in engagement.previous.counts.items()},
        "retention": asdict(engagement.retention),
        "promoters_retained": engagement.promoters_retained,
        "movement": None if engagement.movement is None else {
            before.value: {now.value: n for now, n in row.items()}
            for before, row in engagement.movement.cells.items()},
        "places": {segment.value: asdict(counts) for segment, counts in engagement.places.items()},
    }


def map_from(payload: Payload, period: Period, *, minimum: int = DEFAULT_MINIMUM
             ) -> EngagementMap:
    """The kept map; `minimum` is the workspace's anonymity minimum, applied when shown."""
    def mix(counts: dict[str, int]) -> Mix:
        by_segment = {segment: int(counts.get(segment.value, 0)) for segment in Segment}
        total = sum(by_segment.values())
        return Mix(by_segment, total, total - by_segment[Segment.UNPLACED])

    now, before = mix(payload["mix"]), mix(payload["previous"])
    kept = payload["promoters_retained"]
    movement = _continuum_movement(payload)
    # Maps kept before the revealed axis existed have no places: the next refresh adds them.
    places = {Segment(name): PlaceCounts(**counts)
              for name, counts in payload.get("places", {}).items()}
    return EngagementMap(period=period, mix=now, previous=before, change=mix_change(now, before),
                         retention=Retention(**payload["retention"]),
                         promoters_retained=None if kept is None else float(kept),
                         movement=movement, places=places, minimum=minimum)


def _continuum_movement(payload: Payload) -> ContinuumMovement | None:
    moved = payload.get("movement")
    return None if moved is None else ContinuumMovement(
        {Segment(b): {Segment(n): int(count) for n, count in row.items()}
         for b, row in moved.items()})


def continuum_from_map(payload: Payload, period: Period, *, session: Session, minimum: int
                       ) -> ContinuumReport | None:
    """`map movement` from the map's snapshot: its movement counts, and who fell out of engaged
    advocate looked up now; None from a map kept before they were."""
    movement, kept = _continuum_movement(payload), payload.get("continuum")
    if movement is None or kept is None:
        return None
    return continuum_from(kept, movement, period, session=session, minimum=minimum)


def plan_from_map(payload: Payload, period: Period, *, session: Session, team_id: str,
                  minimum: int) -> PlanReport | None:
    """The plan from the map's snapshot (owners and chosen steps read now); None from a map
    kept before it was."""
    kept = payload.get("plan")
    if kept is None:
        return None
    return plan_from(kept, period, session=session, team_id=team_id, minimum=minimum)


def advocacy_payload(report: AdvocacyReport) -> Payload:
    return {segment.value: asdict(line) | {"place": segment.value}
            for segment, line in report.places.items()}


def advocacy_from(payload: Payload, period: Period, *, minimum: int) -> AdvocacyReport | None:
    """The map's advocacy lines as kept with it; None from a map kept before they were."""
    kept = payload.get("advocacy")
    if kept is None:
        return None
    return AdvocacyReport(period, {Segment(name): PlaceAdvocacy(**line | {"place": Segment(name)})
                                   for name, line in kept.items()}, minimum)


def segments_payload(rows: list[SegmentCounts]) -> Payload:
    return {"rows": [{"value": r.value, "respondents": r.respondents,
                      "scores": {str(score): n for score, n in r.scores.items()}}
                     for r in rows]}


def segment_counts_from(payload: Payload) -> list[SegmentCounts]:
    return [SegmentCounts(value=str(row["value"]), respondents=int(row["respondents"]),
                          scores={int(score): int(n) for score, n in row["scores"].items()})
            for row in payload["rows"]]


def _themes_payload(themes: list[Theme]) -> list[dict[str, Any]]:
    return [asdict(theme) for theme in themes]


def _themes_from(rows: list[dict[str, Any]]) -> list[Theme]:
    return [Theme(**{**row, "examples": tuple(row["examples"])}) for row in rows]


def themes_payload(report: ThemesReport) -> Payload:
    return {"comments": report.comments, "overall": _themes_payload(report.overall),
            "by_class": {name: _themes_payload(themes)
                         for name, themes in report.by_class.items()},
            "not_scored": report.not_scored}


def themes_from(payload: Payload, period: Period) -> ThemesReport:
    return ThemesReport(period, int(payload["comments"]), _themes_from(payload["overall"]),
                        {name: _themes_from(rows) for name, rows in payload["by_class"].items()},
                        # Snapshots kept before languages were detected have no such key.
                        {str(k): int(v) for k, v in payload.get("not_scored", {}).items()})


def as_of_label(period: Period, as_of: datetime | None) -> Period:
    if as_of is None:
        return period
    return Period(period.start, period.end, f"{period.label}, as of {as_of:%H:%M} UTC")


# ---- Computing ---------------------------------------------------------------------------------

def _compute(session: Session, key: SnapshotKey, period: Period) -> Payload:
    if key.view == MAP:
        # The advocacy lines, `map movement` and the plan place every customer of the period,
        # as slow as the map itself: kept with it (customers as ids, looked up when shown), so
        # a served map computes none of them. The minimum is applied when read. The answers
        # are read once, per customer: the map counts those same standings.
        standings = period_standings(session=session, team_id=key.team_id, period=period)
        places = places_from(standings)
        engagement = build_engagement_map(session=session, team_id=key.team_id, period=period,
                                          counts=counted(row.standing for row in standings))
        return map_payload(engagement) | {
            "advocacy": advocacy_payload(build_advocacy(session=session, team_id=key.team_id,
                                                        period=period, minimum=1,
                                                        places=places)),
            "continuum": continuum_payload(places),
            "plan": plan_payload(session=session, team_id=key.team_id, period=period,
                                 places=places)}
    if key.view == THEMES:
        return themes_payload(build_themes(session=session, team_id=key.team_id, period=period))
    if key.view == MOVEMENT:
        return movement_payload(session=session, team_id=key.team_id, period=period)
    if key.view == LOOP_EFFECT:  # the minimum is applied when read, so 1 keeps every count
        return loop_effect_payload(build_loop_effect(session=session, team_id=key.team_id,
                                                     period=period, minimum=1))
    if key.view == OUTCOMES:
        return outcomes_payload(build_outcomes(session=session, team_id=key.team_id,
                                               period=period))
    if key.view == DRIVERS:
        return drivers_payload(build_drivers(session=session, team_id=key.team_id,
                                             period=period, minimum=int(key.key.split("|")[1])))
    attribute = key.key.split("|", 1)[1]
    return segments_payload(segment_counts(
        session=session, team_id=key.team_id, metric=Metric.NPS, since=period.start,
        until=period.end, attribute=attribute))


def _compute_and_keep(session: Session, key: SnapshotKey, period: Period,
                      *, now: datetime) -> Payload:
    started = perf_counter()
    payload = _compute(session, key, period)
    save_snapshot(session, key, period_start=period.start, period_end=period.end,
                  computed_at=now, compute_ms=(perf_counter() - started) * 1000,
                  payload=payload)
    return payload


def answer_from_snapshot(
    services: Services, session: Session, key: SnapshotKey, spec: PeriodSpec
) -> Snapshotted:
    """The kept answer while it is fresh and was slow to compute; else computed now (and
    kept, so that the leader knows what it costs)."""
    settings, now = services.settings, services.clock()
    refresh = timedelta(minutes=settings.report_snapshot_minutes)
    if not refresh:
        period = spec.resolve(now)
        return Snapshotted(_compute(session, key, period), period, None)
    kept = load_snapshot(session, key)
    if (kept is not None and kept.compute_ms >= settings.report_snapshot_slow_ms
            and now - 2 * refresh <= kept.computed_at <= now):
        if now - kept.read_at >= MARK_READ_EVERY:
            mark_read(session, key, now=now)
        period = spec.resolve(kept.computed_at)
        return Snapshotted(kept.payload, as_of_label(period, kept.computed_at), kept.computed_at)
    period = spec.resolve(now)
    return Snapshotted(_compute_and_keep(session, key, period, now=now), period, None)


def refresh_snapshots(services: Services, *, team_id: str | None) -> int:
    """The leader's duty: recompute the slow snapshots people read that are due, and drop the
    ones nobody read for READ_WINDOW (theirs are copies of figures and theme examples). Returns
    how many it recomputed."""
    settings, now = services.settings, services.clock()
    if not settings.report_snapshot_minutes:
        return 0
    with session_scope(services.engine) as session:
        drop_snapshots(session, team_id=team_id, read_before=now - READ_WINDOW)
        due = due_for_refresh(
            session, team_id=team_id,
            computed_before=now - timedelta(minutes=settings.report_snapshot_minutes),
            read_since=now - READ_WINDOW, slower_than_ms=settings.report_snapshot_slow_ms,
            limit=REFRESH_PER_CYCLE)
    for key in due:
        spec = spec_from_key(key.key.split("|", 1)[0])
        # Each in its own transaction: a long refresh must not hold the others' results back.
        with session_scope(services.engine) as session:
            _compute_and_keep(session, key, spec.resolve(now), now=now)
    if due:
        logger.info("recomputed %d report snapshot(s)", len(due))
    return len(due)

