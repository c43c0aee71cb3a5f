"""`report --json` on a seeded workspace: every part is there, and says what Slack says."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.core.periods import PeriodSpec
from bot.reporting.full_report import build_full_report
from storage import benchmarks as store
from storage.engine import session_scope
from storage.models import Metric, OutcomeKind, Respondent
from storage.outcome_imports import ImportedOutcome, store_imported_outcomes
from storage.seed import seed_history

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _report(engine: Engine, team_id: str, *, minimum: int = 30) -> dict[str, Any]:
    with session_scope(engine) as session:
        return build_full_report(session=session, team_id=team_id,
                                 period=PeriodSpec(days=365).resolve(NOW),
                                 anonymity_minimum=minimum)


def test_the_json_report_carries_every_part_of_the_report(engine: Engine) -> None:
    team = seed_history(engine, responses=1200, customers=100, now=NOW,
                        rng=random.Random(1)).team_id
    with session_scope(engine) as session:
        store.set_industry(session=session, team_id=team, industry="b2b_saas_software",
                           user_id=None, now=NOW)
        store.add_custom_benchmark(session=session, team_id=team, metric=Metric.NPS, value=90,
                                   name="Acme (competitor)", year=2026, source="their report",
                                   user_id="U0ADMIN", now=NOW)
        store.set_target(session=session, team_id=team, metric=Metric.NPS, value=95,
                         user_id=None, now=NOW)
        first, second = session.exec(select(Respondent.id).where(Respondent.team_id == team)
                                     .order_by(col(Respondent.id)).limit(2)).all()
        assert first is not None
        assert second is not None
        store_imported_outcomes(session=session, team_id=team, now=NOW, outcomes=[
            ImportedOutcome(first, OutcomeKind.RENEWED, NOW.date(), 1_000.0),
            ImportedOutcome(second, OutcomeKind.CHURNED, NOW.date())])

    data = _report(engine, team)

    json.dumps(data)  # JSON-able as it stands
    assert set(data) == {"schema_version", "period", "overview", "trend", "segments",
                         "benchmarks", "targets", "engagement_map", "themes", "movement",
                         "loop_effect", "advocacy", "plan", "outcomes", "drivers", "drift"}
    assert data["schema_version"] == 2
    overview = data["overview"]
    assert overview["nps"]["n"] == overview["csat"]["n"] == 300
    low, high = overview["nps"]["ci95"]
    assert low < overview["nps"]["score"] < high
    assert overview["response_rate"] == 100.0
    assert set(overview["change"]) == {"nps", "csat"}
    assert set(overview["change"]["nps"]) >= {"difference", "direction", "beyond_margin", "ci95"}
    assert all(len(point["month"]) == 10 for point in data["trend"])
    assert sum(point["nps"]["n"] for point in data["trend"]) == 300
    # 100 customers: 25 per plan (below the minimum of 30, hidden), about 33 per region.
    assert data["segments"]["plan"] == {"shown": [], "hidden": 4, "minimum": 30}
    assert len(data["segments"]["region"]["shown"]) == 3

    assert data["benchmarks"]["industry"] == "b2b_saas_software"
    nps = data["benchmarks"]["comparisons"][0]
    assert nps["metric"] == "NPS"
    custom, published = nps["figures"][0], nps["figures"][1]
    assert custom["custom"] is True
    assert custom["grade"] is None
    assert custom["source"] == "added by <@U0ADMIN>"
    assert custom["added_by"] == "U0ADMIN"
    assert (custom["value"], custom["year"], custom["direction"]) == (90, 2026, "below")
    assert custom["beyond_margin"] is True
    assert custom["to_close"].startswith("reaching 90 takes")
    assert published["custom"] is False
    assert published["grade"] in ("A", "B")
    assert {"source", "year", "population", "direction", "beyond_margin"} <= set(published)

    [target] = data["targets"]
    assert (target["metric"], target["target"], target["direction"]) == ("nps", 95, "below")
    assert target["beyond_margin"] is True
    assert target["to_close"].startswith("reaching 95 takes")

    engagement = data["engagement_map"]
    assert set(engagement["segments"]) == {"engaged_advocate", "satisfied_not_loyal",
                                           "loyal_not_satisfied", "at_risk"}
    assert engagement["placed"] + engagement["unplaced"] > 0
    themes = data["themes"]
    assert themes["comments"] > 0  # one seeded answer in ten carries a comment
    assert themes["overall"]
    assert set(themes["overall"][0]) == {"phrase", "comments", "share", "mean_polarity", "label"}
    assert set(themes["by_nps_class"]) == {"promoter", "passive", "detractor"}
    assert "examples" not in json.dumps(themes)  # no customer's words leave in a report file

    outcomes = data["outcomes"]
    assert set(outcomes["by_class"]) == {"promoter", "passive", "detractor", "not_surveyed"}
    assert sum(row["renewed"] for row in outcomes["by_class"].values()) == 1
    assert sum(row["churned"] for row in outcomes["by_class"].values()) == 1
    assert set(next(iter(outcomes["by_class"].values()))) == {
        "customers", "renewed", "churned", "renewal_rate", "ci95"}
    assert set(outcomes["revenue_at_risk"]) == {"amount", "currency", "customers"}
    assert "U0" not in json.dumps(outcomes)  # counts, never who
    # Plans (25 customers each) are under the minimum of 30: only regions are compared.
    assert data["drivers"]
    assert {d["name"].split("=")[0] for d in data["drivers"]} == {"region"}
    assert set(data["drivers"][0]) == {"kind", "name", "answers", "nps_with", "nps_without",
                                       "difference", "ci95", "beyond_margin", "impact"}
    impacts = [abs(d["impact"]) for d in data["drivers"]]
    assert impacts == sorted(impacts, reverse=True)


def test_another_workspace_sees_none_of_it(engine: Engine) -> None:
    with session_scope(engine) as session:
        store.set_target(session=session, team_id="T0MINE", metric=Metric.CSAT, value=85,
                         user_id=None, now=NOW)
        store.add_custom_benchmark(session=session, team_id="T0MINE", metric=Metric.NPS,
                                   value=50, name="Acme", year=None, source=None, user_id=None,
                                   now=NOW)

    data = _report(engine, "T0OTHER")

    assert data["targets"] == []
    assert not any(f["custom"] for c in data["benchmarks"]["comparisons"] for f in c["figures"])
    assert data["benchmarks"]["industry"] is None
    assert data["overview"]["nps"]["n"] == 0


def test_adding_the_same_name_twice_replaces_the_figure(engine: Engine) -> None:
    for value in (40, 45):
        with session_scope(engine) as session:
            store.add_custom_benchmark(session=session, team_id="T0MINE", metric=Metric.NPS,
                                       value=value, name="Acme", year=None, source=None,
                                       user_id=None, now=NOW)
    with session_scope(engine) as session:
        [row] = store.list_custom_benchmarks(session=session, team_id="T0MINE")
        assert row.value == 45
        assert not store.remove_custom_benchmark(session=session, team_id="T0OTHER",
                                                 benchmark_id=row.id or 0)
        assert store.remove_custom_benchmark(session=session, team_id="T0MINE",
                                             benchmark_id=row.id or 0)
