"""Bulk synthetic history for benchmarks and storage tests: up to millions of answers written
straight into the tables (every customer answers every wave, realistic score mixes). The demo,
the playground and `python -m bot seed` use bot.demo instead: a smaller, lifelike year through
the importers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import col, select

from storage.answer_order import renumber_team_answers
from storage.delivery_rollup import rebuild_delivery_counts
from storage.engine import session_scope
from storage.models import (
    Delivery,
    Pulse,
    PulseMetric,
    Respondent,
    Response,
    Wave,
    Workspace,
)
from storage.rollups import rebuild_daily_counts

PLANS = ("starter", "team", "business", "enterprise")
REGIONS = ("EMEA", "AMER", "APAC")
# Answer mixes that look like a real B2B programme: NPS about +30, CSAT about 80%.
NPS_WEIGHTS = (2, 1, 1, 2, 2, 4, 6, 10, 14, 24, 34)
CSAT_WEIGHTS = (4, 6, 10, 40, 40)
COMMENTS = (
    ("Support answered within the hour, brilliant.", 0.8, "positive"),
    ("The reporting export is slow for big accounts.", -0.3, "negative"),
    ("Please add single sign-on for our contractors.", 0.0, "neutral"),
    ("Billing was wrong twice this quarter.", -0.5, "negative"),
    ("Onboarding was smooth and the docs are clear.", 0.6, "positive"),
)
BATCH = 5_000


class SeedRefused(Exception):
    """Seeding would mix synthetic answers into a workspace that has some."""


@dataclass(frozen=True)
class SeedReport:
    team_id: str
    customers: int
    waves: int
    responses: int


def seed_history(
    engine: Engine,
    *,
    responses: int,
    customers: int,
    now: datetime,
    team_id: str = "T0SEED",
    days: int = 730,
    rng: random.Random | None = None,
) -> SeedReport:
    """About `responses` answers from `customers` people over `days`, split between an NPS and
    a CSAT pulse whose monthly waves reach everyone; one answer in ten carries a comment."""
    rng = rng or random.Random(7)  # deterministic: benchmarks compare like with like
    customers = max(1, min(customers, responses))
    per_wave = customers
    waves = max(1, -(-responses // per_wave))
    with session_scope(engine) as session:
        if session.get(Workspace, team_id) is not None:
            raise SeedRefused(
                f"{team_id} already has data: seed another --team or a fresh database"
            )
        session.add(Workspace(team_id=team_id, name="Seeded workspace", created_at=now))
        session.flush()
        nps = Pulse(team_id=team_id, name="seed-nps", metric=PulseMetric.NPS,
                    question="Recommend us?", follow_up="Why?", audience=[], created_at=now)
        csat = Pulse(team_id=team_id, name="seed-csat", metric=PulseMetric.CSAT,
                     question="Satisfied?", follow_up="Why?", audience=[], created_at=now)
        session.add_all([nps, csat])
        session.flush()
        assert nps.id is not None
        assert csat.id is not None
        pulse_ids = (nps.id, csat.id)
        session.execute(insert(Respondent), [
            {"team_id": team_id, "user_id": f"U{n:09d}", "attributes": {
                "plan": PLANS[n % len(PLANS)], "region": REGIONS[n % len(REGIONS)]},
             "opted_out": False, "deactivated": False, "created_at": now}
            for n in range(customers)
        ])
        people = list(session.exec(
            select(Respondent.id).where(Respondent.team_id == team_id).order_by(col(Respondent.id))
        ).all())
    written = 0
    # Each customer's place and last score per metric, in wave order: what storage.answer_order
    # keeps. Delays can reorder close waves; renumber_team_answers below corrects those rows,
    # and writing the rest right here spares it rewriting a million rows.
    order: dict[tuple[int, int], tuple[int, int]] = {}
    step = timedelta(days=days) / waves
    for index in range(waves):
        when = now - timedelta(days=days) + step * index
        metric_index = index % 2
        with session_scope(engine) as session:
            wave = Wave(pulse_id=pulse_ids[metric_index], scheduled_for=when, created_at=when,
                        closes_at=when + timedelta(days=7), closed_at=when + timedelta(days=7))
            session.add(wave)
            session.flush()
            count = min(per_wave, responses - written)
            _wave_rows(session, wave.id or 0, people, count, when, metric_index, team_id, rng,
                       order)
            written += count
    with session_scope(engine) as session:
        rebuild_daily_counts(session=session, team_id=team_id)
        rebuild_delivery_counts(session=session, team_id=team_id)
        renumber_team_answers(session=session, team_id=team_id)
    return SeedReport(team_id, customers, waves, written)


def _wave_rows(session: Any, wave_id: int, people: list[int | None], count: int, when: datetime,
               metric_index: int, team_id: str, rng: random.Random,
               order: dict[tuple[int, int], tuple[int, int]]) -> None:
    metric = ("nps", "csat")[metric_index]
    scale = range(0, 11) if metric == "nps" else range(1, 6)
    weights = NPS_WEIGHTS if metric == "nps" else CSAT_WEIGHTS
    scores = rng.choices(scale, weights=weights, k=count)
    for start in range(0, count, BATCH):
        stop = min(count, start + BATCH)
        deliveries = [
            {"wave_id": wave_id, "respondent_id": people[n], "status": "sent", "attempts": 1,
             "next_attempt_at": when, "sent_at": when, "answered_at": when, "reminder": "none",
             "channel_id": f"D{n:09d}", "message_ts": f"{when.timestamp():.6f}",
             # The wave closed a week later and its message said so: nothing left for the
             # worker to edit in Slack (it would fail on these made-up DMs).
             "closed_shown_at": when + timedelta(days=7)}
            for n in range(start, stop)
        ]
        # Ordered RETURNING over executemany pairs each id with the row that produced it.
        statement = insert(Delivery).returning(col(Delivery.id), sort_by_parameter_order=True)
        ids = session.execute(statement, deliveries).scalars().all()
        rows = []
        for offset, delivery_id in enumerate(ids):
            answered = when + timedelta(minutes=rng.randint(1, 3 * 24 * 60))
            person, score = start + offset, scores[start + offset]
            place, previous = order.get((person, metric_index), (0, None))
            order[(person, metric_index)] = (place + 1, score)
            row = {"delivery_id": delivery_id, "wave_id": wave_id, "team_id": team_id,
                   "respondent_id": people[person], "respondent_seq": place + 1,
                   "previous_score": previous,
                   "metric": metric, "score": score,
                   "action_ts": f"{answered.timestamp():.6f}", "answered_at": answered}
            if rng.random() < 0.1:
                text, polarity, label = rng.choice(COMMENTS)
                row |= {"comment": text, "commented_at": answered,
                        "sentiment_polarity": polarity, "sentiment_subjectivity": 0.5,
                        "sentiment_label": label}
            rows.append(row)
        session.execute(insert(Response), rows)

