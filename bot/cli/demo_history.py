"""A year of customer history for the demo, as the CSV files a team would import.

About 400 customers in three plans and two regions answer monthly NPS and CSAT waves (25-45%
of them each month), in words of their own: praise, complaints that name no feeling ("I had to
wait three days"), mixed ones. Each customer has a mood that drifts; promoters renew more
often than detractors, and some refer others or write reviews. The growth plan falls in the
last two months, so movement, drivers and the drift warning have something true to show.
Deterministic: the same seed gives the same files.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

PLANS = (("starter", 0.45, 6_000), ("growth", 0.35, 24_000), ("enterprise", 0.20, 90_000))
REGIONS = ("emea", "americas")
FIRST = ("Acme", "Blue", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris",
         "Juniper", "Kite", "Lumen", "Maple", "Nimbus", "Orbit", "Pine", "Quartz", "Ridge",
         "Summit", "Tidal")
SECOND = ("Analytics", "Bank", "Clinics", "Foods", "Freight", "Health", "Labs", "Logistics",
          "Media", "Retail")

PRAISE = (
    "Support fixed our SSO issue within the hour.",
    "The new dashboard saves my team a morning every week.",
    "Onboarding was smooth and the docs answered every question.",
    "Our account manager actually knows our setup.",
    "Exports finally work for our biggest accounts.",
    "The mobile app is fast and does what we need.",
    "Setup took ten minutes.",
    "We rolled it out to three more teams this quarter.",
)
COMPLAINTS = (  # what happened, with no opinion words
    "I had to wait three days for a reply to my ticket.",
    "The invoice charged us for seats we removed in March.",
    "The CSV export times out for our biggest account.",
    "We were logged out twice during the quarter-end close.",
    "Nobody called back after the outage on Tuesday.",
    "The price went up 20% at renewal.",
    "Reports take four minutes to load on Monday mornings.",
    "Our admin could not find where to reset a password.",
)
MIXED = (
    "Good product, but support replies take days.",
    "Reporting is strong, though the export still times out.",
    "We like the dashboard; billing is still confusing.",
    "Useful, but the price went up at renewal.",
)


@dataclass
class Customer:
    user_id: str
    account: str
    plan: str
    region: str
    amount: int
    mood: float  # the NPS this customer leans to, 0..10
    renews_in: int  # the month of the year their contract renews
    churned: bool = False
    answers: list[tuple[datetime, str, int, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class History:
    customers_csv: str
    responses_csv: str
    outcomes_csv: str
    customers: int
    answers: int
    events: int
    detractor_answers: list[tuple[str, datetime]]  # (customer, when): for follow-ups


def _comment(rng: random.Random, score: int) -> str | None:
    if rng.random() > 0.45:
        return None
    if score >= 9:
        pool = PRAISE if rng.random() < 0.85 else MIXED
    elif score >= 7:
        pool = MIXED if rng.random() < 0.6 else COMPLAINTS
    else:
        pool = COMPLAINTS if rng.random() < 0.8 else MIXED
    return rng.choice(pool)


def _customers(rng: random.Random, count: int) -> list[Customer]:
    people = []
    for n in range(count):
        plan, amount = rng.choices([(p, a) for p, _, a in PLANS],
                                   weights=[w for _, w, _ in PLANS])[0]
        account = f"{FIRST[n % len(FIRST)]} {SECOND[(n // len(FIRST)) % len(SECOND)]}"
        people.append(Customer(
            user_id=f"U0H{n:05d}", account=account, plan=plan, region=rng.choice(REGIONS),
            amount=int(amount * rng.uniform(0.6, 1.6)),
            mood=min(10.0, max(0.0, rng.gauss(8.3, 1.8))), renews_in=rng.randrange(12)))
    return people


def generate(*, today: date, customers: int = 400, seed: int = 11) -> History:
    rng = random.Random(seed)
    people = _customers(rng, customers)
    events: list[tuple[str, str, date, int | None]] = []
    detractors: list[tuple[str, datetime]] = []
    start = date(today.year - 1, today.month, 1)
    for month in range(12):
        first = date(start.year + (start.month - 1 + month) // 12,
                     (start.month - 1 + month) % 12 + 1, 1)
        wave = datetime.combine(first + timedelta(days=9), time(9), tzinfo=UTC)
        if wave.date() >= today:
            break
        active = [p.user_id for p in people if not p.churned]
        answering = set(rng.sample(active, k=round(rng.uniform(0.25, 0.45) * len(active))))
        late = month >= 10  # the last two months
        for person in people:
            if person.churned:
                continue
            person.mood = min(10.0, max(0.0, person.mood + rng.gauss(0, 0.6)))
            if person.user_id in answering:
                fall = (1.0 if month == 10 else 3.0) if late and person.plan == "growth" else 0.0
                score = round(min(10.0, max(0.0, rng.gauss(person.mood - fall, 1.2))))
                when = wave + timedelta(hours=rng.randrange(0, 72), minutes=rng.randrange(60))
                person.answers.append((when, "nps", score, _comment(rng, score)))
                if score <= 6:
                    detractors.append((person.user_id, when))
                csat = min(5, max(1, round((score + rng.gauss(0, 1.5)) / 2)))
                person.answers.append((when + timedelta(minutes=3), "csat", csat, None))
            if person.renews_in == first.month - 1:
                latest = [s for _, m, s, _ in person.answers if m == "nps"]
                stated = latest[-1] if latest else round(person.mood)
                stays = {True: 0.95, False: 0.8}[stated >= 9] if stated >= 7 else 0.6
                day = first + timedelta(days=27)
                if rng.random() < stays:
                    grows = rng.random() < 0.15
                    person.amount = int(person.amount * (1.2 if grows else 1.0))
                    events.append((person.user_id, "renewed", day, person.amount))
                    if grows:
                        events.append((person.user_id, "expanded", day, person.amount))
                else:
                    events.append((person.user_id, "churned", day, 0))
                    person.churned = True
            said = [score for _, metric, score, _ in person.answers if metric == "nps"]
            if said and said[-1] >= 9 and rng.random() < 0.04:
                kind = "referred" if rng.random() < 0.6 else "reviewed"
                events.append((person.user_id, kind, first + timedelta(days=15), None))
    return History(
        customers_csv=_csv(["slack_user_id", "account", "plan", "region"],
                           [[p.user_id, p.account, p.plan, p.region] for p in people]),
        responses_csv=_csv(
            ["customer", "submitted_at", "metric", "score", "comment", "pulse"],
            [[p.user_id, when.isoformat(), metric, score, comment or "",
              "Monthly NPS" if metric == "nps" else "Monthly CSAT"]
             for p in people for when, metric, score, comment in p.answers]),
        outcomes_csv=_csv(["customer", "event", "date", "amount"],
                          [[who, kind, day.isoformat(), "" if amount is None else amount]
                           for who, kind, day, amount in events]),
        customers=len(people),
        answers=sum(len(p.answers) for p in people),
        events=len(events),
        detractor_answers=detractors,
    )


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
