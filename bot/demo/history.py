"""A year of customer history for the demo, as the CSV files a team would import.

About 200 customers, each its own account, in three plans and two regions answer monthly NPS
and CSAT waves (25-45% of them each month), in words of their own: praise, complaints that
name no feeling ("I had to wait three days"), mixed ones. Each customer has a lasting view of
the product and a mood that wanders around it. The team follows up six in ten detractor
answers, and about half of those customers come round; promoters renew more often than
detractors, and some refer others or write reviews. The growth plan falls in the last two
months (a price rise at renewal, slower reports), so movement, drivers and the drift warning
have something true to show. Deterministic: the same seed gives the same files.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

PLANS = (("starter", 0.30, 6_000), ("growth", 0.50, 24_000), ("enterprise", 0.20, 90_000))
REGIONS = ("emea", "americas")
# Account names: a word, a trade and, past the first few hundred, a legal form.
NAME_WORDS = (
    "Acme", "Alder", "Amber", "Aster", "Birch", "Blue", "Cedar", "Cobalt", "Copper", "Crest",
    "Delta", "Ember", "Fern", "Fjord", "Granite", "Harbor", "Hazel", "Iris", "Ivory", "Juniper",
    "Kestrel", "Kite", "Larch", "Lumen", "Maple", "Meridian", "Nimbus", "North", "Oak", "Orbit",
    "Pine", "Quartz", "Ridge", "Rowan", "Sable", "Summit", "Tidal", "Vale", "Willow", "Zephyr",
)
TRADES = (
    "Analytics", "Bank", "Clinics", "Dental", "Foods", "Freight", "Health", "Insurance", "Labs",
    "Legal", "Logistics", "Media", "Motors", "Retail", "Robotics", "Travel",
)
FORMS = ("", " Ltd", " GmbH", " Inc", " Group")
MAX_CUSTOMERS = len(NAME_WORDS) * len(TRADES) * len(FORMS)

# Each topic in the words customers use: praise, what happened (no opinion words), and mixed.
PRAISE = (
    "Support fixed our SSO issue within the hour.",
    "Priya in support walked us through the migration on a call.",
    "Every ticket we opened this year was answered the same day.",
    "Support spotted the sync bug before we did.",
    "The new dashboard saves my team a morning every week.",
    "Our managers open the dashboard before standup now.",
    "Onboarding was smooth and the docs answered every question.",
    "Onboarding our new hires takes one afternoon.",
    "Exports finally work for our biggest accounts.",
    "Our account manager actually knows our setup.",
    "Our account manager set up a quarterly review without us asking.",
    "The mobile app is fast and does what we need.",
    "Setup took ten minutes.",
    "We rolled it out to three more teams this quarter.",
    "It replaced two spreadsheets and a weekly meeting.",
    "The Salesforce integration just works.",
    "Great product, great people.",
    "Reliable. We have not thought about it in months, which is the point.",
)
COMPLAINTS = (  # what happened, with no opinion words
    "I had to wait three days for a reply to my ticket.",
    "Support closed my ticket without an answer.",
    "We opened four tickets about the same sync error.",
    "The invoice charged us for seats we removed in March.",
    "The invoice went to someone who left the company in June.",
    "The CSV export times out for our biggest account.",
    "The export stops at 10,000 rows.",
    "We were logged out twice during the quarter-end close.",
    "Nobody called back after the outage on Tuesday.",
    "Our admin could not find where to reset a password.",
    "SSO stopped working after the update and we used passwords for a week.",
    "Onboarding our second team took six weeks.",
    "The mobile app logs me out every day.",
    "The Salesforce sync skipped a week of deals.",
    "The dashboard shows yesterday's numbers until noon.",
)
LATE_COMPLAINTS = (  # the growth plan's last two months: a price rise and slower reports
    "The price went up 20% at renewal.",
    "Our renewal quote came in 30% higher with the same features.",
    "Reports take four minutes to load on Monday mornings.",
    "The growth plan lost the API access we used for our reports.",
    "We were moved to the new growth pricing without a call.",
    "Still a good product, but the new price is hard to justify.",
    "Reports used to be quick; Monday mornings are painful now.",
    "We are looking at other tools since the price change.",
)
MIXED = (
    "Good product, but support replies take days.",
    "Reporting is strong, though the export still times out.",
    "We like the dashboard; billing is still confusing.",
    "Useful, but the price went up at renewal.",
    "Love the dashboard, hate waiting on support.",
    "Works well for us, apart from the invoices.",
    "The app is great when it loads; on Monday mornings it doesn't.",
    "Onboarding was quick, the SSO setup was painful.",
    "Solid tool. The renewal price rise stung.",
)
# A customer's lasting view: the mean of their mood (0-10), and how far their mood wanders.
LEANING, LEANING_SPREAD = 8.3, 1.3
MOOD_MEMORY, MOOD_STEP = 0.6, 0.8
# The growth plan's fall, in points of mood, in the last two months (older, latest).
FALL = (1.2, 3.3)
LAST_WAVE_AGO = timedelta(days=10)
FOLLOWED_UP_SHARE = 0.6  # of detractor answers old enough to have been followed up
FOLLOW_UP_AFTER = timedelta(days=21)
REPLIED_AFTER, RESOLVED_AFTER = timedelta(days=1), timedelta(days=3)
COMES_ROUND = 0.5  # the share of followed-up customers whose view of us then rises, for good
COMES_ROUND_BY = 2.0


@dataclass
class Customer:
    user_id: str
    account: str
    plan: str
    region: str
    amount: int
    leaning: float  # the NPS this customer leans to, 0..10
    renews_in: int  # the wave (0-11) before which their contract renews
    mood: float = 0.0  # today's departure from their leaning
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
    detractor_answers: list[tuple[str, datetime]]  # (customer, when): every NPS answer 0-6
    followed_up: list[tuple[str, datetime]]  # those the team replied to (some came round)
    followups_csv: str  # the same, as a team records them: replied next day, resolved in three


def _pick(rng: random.Random, score: int, late_fall: bool) -> str:
    if late_fall and score <= 8 and rng.random() < 0.7:
        return rng.choice(LATE_COMPLAINTS)
    pool: tuple[str, ...]
    if score >= 9:
        pool = PRAISE if rng.random() < 0.85 else MIXED
    elif score >= 7:
        pool = MIXED if rng.random() < 0.6 else rng.choice((PRAISE, COMPLAINTS))
    else:
        pool = COMPLAINTS if rng.random() < 0.8 else MIXED
    return rng.choice(pool)


def _comment(rng: random.Random, score: int, late_fall: bool) -> str | None:
    """Four answers in ten carry a comment; one comment in four says two things."""
    if rng.random() > 0.4:
        return None
    first = _pick(rng, score, late_fall)
    if rng.random() < 0.25:
        second = _pick(rng, score, late_fall)
        if second != first:
            return f"{first} {second}"
    return first


def account_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct account names (at most MAX_CUSTOMERS), short ones first."""
    if not 0 <= count <= MAX_CUSTOMERS:
        raise ValueError(f"between 0 and {MAX_CUSTOMERS:,} customers")
    names: list[str] = []
    for form in FORMS:
        pairs = [(w, t) for w in NAME_WORDS for t in TRADES]
        rng.shuffle(pairs)
        names += [f"{word} {trade}{form}" for word, trade in pairs[:count - len(names)]]
    return names


def _customers(rng: random.Random, count: int) -> list[Customer]:
    people = []
    for n, account in enumerate(account_names(rng, count)):
        plan, amount = rng.choices([(p, a) for p, _, a in PLANS],
                                   weights=[w for _, w, _ in PLANS])[0]
        people.append(Customer(
            user_id=f"U0H{n:05d}", account=account, plan=plan, region=rng.choice(REGIONS),
            amount=int(amount * rng.uniform(0.6, 1.6)),
            leaning=min(10.0, max(2.0, rng.gauss(LEANING, LEANING_SPREAD))),
            renews_in=rng.randrange(12)))
    return people


def generate(*, today: date, customers: int = 200, seed: int = 11) -> History:
    """Twelve monthly waves, the last one LAST_WAVE_AGO before `today`."""
    rng = random.Random(seed)
    people = _customers(rng, customers)
    events: list[tuple[str, str, date, int | None]] = []
    detractors: list[tuple[str, datetime]] = []
    followed: list[tuple[str, datetime]] = []
    now = datetime.combine(today, time(0), tzinfo=UTC)
    for month, wave in enumerate(_wave_times(today)):
        late = month - 10  # 0 and 1 in the last two months
        # The last two waves drew a few more answers: enough for the drift check (30 a segment
        # and window) to test the growth plan whatever the draw.
        rate = rng.uniform(0.40, 0.45) if late >= 0 else rng.uniform(0.25, 0.45)
        answering: set[str] = set()
        for plan, _, _ in PLANS:  # each plan answers at the wave's rate
            active = [p.user_id for p in people if not p.churned and p.plan == plan]
            answering.update(rng.sample(active, k=round(rate * len(active))))
        for person in people:
            if person.churned:
                continue
            person.mood = MOOD_MEMORY * person.mood + rng.gauss(0, MOOD_STEP)
            if person.user_id in answering:
                late_fall = late >= 0 and person.plan == "growth"
                fall = FALL[late] if late_fall else 0.0
                feels = person.leaning + person.mood - fall
                score = round(min(10.0, max(0.0, rng.gauss(feels, 1.0))))
                when = wave + timedelta(hours=rng.randrange(0, 72), minutes=rng.randrange(60))
                person.answers.append((when, "nps", score, _comment(rng, score, late_fall)))
                if score <= 6:
                    detractors.append((person.user_id, when))
                    # Both draws always: what follows must not depend on the day it runs.
                    follow, come_round = rng.random(), rng.random()
                    if when < now - FOLLOW_UP_AFTER and follow < FOLLOWED_UP_SHARE:
                        followed.append((person.user_id, when))
                        if come_round < COMES_ROUND:
                            person.leaning = min(10.0, person.leaning + COMES_ROUND_BY)
                csat = min(5, max(1, round((score + rng.gauss(0, 1.2)) / 2)))
                person.answers.append((when + timedelta(minutes=3), "csat", csat, None))
            if person.renews_in == month:
                _renew(rng, person, wave.date() - timedelta(days=5), events)
            said = [score for _, metric, score, _ in person.answers if metric == "nps"]
            if said and said[-1] >= 9 and rng.random() < 0.04:
                kind = "referred" if rng.random() < 0.6 else "reviewed"
                events.append((person.user_id, kind, wave.date() - timedelta(days=12), None))
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
        followed_up=followed,
        followups_csv=_csv(
            ["customer", "submitted_at", "metric", "replied_at", "resolved_at"],
            [[who, when.isoformat(), "nps", (when + REPLIED_AFTER).isoformat(),
              (when + RESOLVED_AFTER).isoformat()] for who, when in followed]),
    )


def _wave_times(today: date) -> list[datetime]:
    """On one day of each month (the 25th at the latest: three days of answers stay in its
    month), so that the last wave's answers fall wholly inside the last 30 days and the one
    before inside the 30 days before them."""
    last = today - LAST_WAVE_AGO
    day = min(last.day, 25)
    waves = []
    for back in range(11, -1, -1):
        year, month = divmod(last.year * 12 + last.month - 1 - back, 12)
        waves.append(datetime.combine(date(year, month + 1, day), time(9), tzinfo=UTC))
    return waves


def _renew(rng: random.Random, person: Customer, day: date,
           events: list[tuple[str, str, date, int | None]]) -> None:
    """Renewal day: who stays follows what they last said (or would have said)."""
    said = [s for _, m, s, _ in person.answers if m == "nps"]
    stated = said[-1] if said else round(person.leaning + person.mood)
    stays = 0.95 if stated >= 9 else 0.8 if stated >= 7 else 0.6
    if rng.random() < stays:
        grows = rng.random() < 0.15
        person.amount = int(person.amount * (1.2 if grows else 1.0))
        events.append((person.user_id, "renewed", day, person.amount))
        if grows:
            events.append((person.user_id, "expanded", day, person.amount))
    else:
        events.append((person.user_id, "churned", day, 0))
        person.churned = True


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
