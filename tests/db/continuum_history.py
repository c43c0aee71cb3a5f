"""A small history whose places are worked out on paper, for the continuum's tests.

Periods of 30 days ending NOW: `current` [NOW-30d, NOW], `previous` [NOW-60d, NOW-30d),
`earlier` [NOW-90d, NOW-60d). Each customer's place is the engagement map's rule
(bot.insights.engagement): loyalty from the latest NPS (9-10 high, 0-6 low, 7-8 high only when
they answered last period and this one and their NPS before was 7+), satisfaction from the
latest CSAT (4-5 high); this period's place reads the history since the previous period began,
last period's the history since the earlier one began.

    customer  previous period       current period        last period → now
    UA        nps 10, csat 5        nps 3, csat 2         engaged advocate → at risk (away)
    UB        nps 9, csat 4         nps 9, csat 5         engaged advocate → engaged advocate
    UC        nps 2, csat 1         nps 10, csat 5        at risk → engaged advocate (toward)
    UD        nps 8, csat 4         nps 8, csat 4         satisfied not loyal → engaged advocate
              (a lone passive is    (passive twice, answered in both periods: loyal) (toward)
              not loyal yet)
    UE        —                     nps 9, csat 2         not placed → loyal not satisfied
    UF        nps 6, csat 5         —                     satisfied not loyal → not placed
    UG        nps 9 (no csat)       csat 5                not placed → engaged advocate
    UH        nps 10, csat 5        csat 2                engaged advocate → loyal not satisfied
                                                          (latest NPS still 10)      (away)
    UI        (earlier: nps 10, csat 5 only)              not in the table: silent in both
    UK        nps 5, csat 4         nps 9, csat 3         satisfied not loyal → loyal not
                                                          satisfied (side by side: neither)
    anonymous —                     nps 0                 never in a per-customer view

Placed in both periods: UA UB UC UD UH UK = 6; toward UC UD = 2; away UA UH = 2.
Fell out of engaged advocate into another place: UA, UH.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.core.periods import Period
from storage.answer_order import renumber_team_answers
from storage.engine import session_scope
from storage.models import Metric, OutcomeEvent, OutcomeKind, Response, Workspace
from storage.respondents import ensure_respondents

TEAM = "T0PLACES"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
DAY = timedelta(days=1)
PERIOD = Period(NOW - 30 * DAY, NOW, "the last 30 days")
IN_EARLIER, IN_PREVIOUS, IN_CURRENT = NOW - 75 * DAY, NOW - 45 * DAY, NOW - 10 * DAY

# (user, when, metric, score, comment)
ANSWERS: list[tuple[str | None, datetime, Metric, int, str | None]] = [
    ("UA", IN_PREVIOUS, Metric.NPS, 10, None), ("UA", IN_PREVIOUS, Metric.CSAT, 5, None),
    ("UA", IN_CURRENT, Metric.NPS, 3, "Billing was wrong twice"),
    ("UA", IN_CURRENT, Metric.CSAT, 2, None),
    ("UB", IN_PREVIOUS, Metric.NPS, 9, None), ("UB", IN_PREVIOUS, Metric.CSAT, 4, None),
    ("UB", IN_CURRENT, Metric.NPS, 9, None), ("UB", IN_CURRENT, Metric.CSAT, 5, None),
    ("UC", IN_PREVIOUS, Metric.NPS, 2, None), ("UC", IN_PREVIOUS, Metric.CSAT, 1, None),
    ("UC", IN_CURRENT, Metric.NPS, 10, None), ("UC", IN_CURRENT, Metric.CSAT, 5, None),
    ("UD", IN_PREVIOUS, Metric.NPS, 8, None), ("UD", IN_PREVIOUS, Metric.CSAT, 4, None),
    ("UD", IN_CURRENT, Metric.NPS, 8, None), ("UD", IN_CURRENT, Metric.CSAT, 4, None),
    ("UE", IN_CURRENT, Metric.NPS, 9, "The onboarding docs are confusing"),
    ("UE", IN_CURRENT, Metric.CSAT, 2, None),
    ("UF", IN_PREVIOUS, Metric.NPS, 6, None), ("UF", IN_PREVIOUS, Metric.CSAT, 5, None),
    ("UG", IN_PREVIOUS, Metric.NPS, 9, None), ("UG", IN_CURRENT, Metric.CSAT, 5, None),
    ("UH", IN_PREVIOUS, Metric.NPS, 10, None), ("UH", IN_PREVIOUS, Metric.CSAT, 5, None),
    ("UH", IN_CURRENT, Metric.CSAT, 2, "Onboarding docs are outdated"),
    ("UI", IN_EARLIER, Metric.NPS, 10, None), ("UI", IN_EARLIER, Metric.CSAT, 5, None),
    ("UK", IN_PREVIOUS, Metric.NPS, 5, None), ("UK", IN_PREVIOUS, Metric.CSAT, 4, None),
    ("UK", IN_CURRENT, Metric.NPS, 9, "Slow onboarding docs"),
    ("UK", IN_CURRENT, Metric.CSAT, 3, None),
    (None, IN_CURRENT, Metric.NPS, 0, "anonymous and furious"),
]
ACCOUNTS = {"UA": "Acme <b>", "UH": "Hooli"}

# (user, event, day): UB referred, UC referred and reviewed, UD referred this period; UA's
# referral was last period, so it does not count now.
EVENTS = [
    ("UB", OutcomeKind.REFERRED, (NOW - 5 * DAY).date()),
    ("UC", OutcomeKind.REFERRED, (NOW - 6 * DAY).date()),
    ("UC", OutcomeKind.REVIEWED, (NOW - 7 * DAY).date()),
    ("UD", OutcomeKind.REFERRED, (NOW - 8 * DAY).date()),
    ("UA", OutcomeKind.REFERRED, (NOW - 40 * DAY).date()),
    ("UA", OutcomeKind.RENEWED, (NOW - 3 * DAY).date()),  # not advocacy
]


def seed_places(engine: Engine, team_id: str = TEAM) -> dict[str, int]:
    """The history above; returns each user's respondent id."""
    users = sorted({user for user, *_ in ANSWERS if user is not None})
    with session_scope(engine) as session:
        session.add(Workspace(team_id=team_id, name="Places", created_at=NOW - 100 * DAY))
        session.flush()
        people = ensure_respondents(session=session, team_id=team_id, user_ids=users,
                                    now=NOW - 100 * DAY)
        for user, account in ACCOUNTS.items():
            people[user].account = account
            session.add(people[user])
        ids = {user: int(row.id or 0) for user, row in people.items()}
        for n, (user, when, metric, score, comment) in enumerate(ANSWERS):
            session.add(Response(
                team_id=team_id, respondent_id=None if user is None else ids[user],
                anonymous_key=f"anon-{n}" if user is None else None,
                import_key=None if user is None else f"places-{n}",
                metric=metric, score=score, action_ts="0000000000.000000", answered_at=when,
                comment=comment, commented_at=when if comment else None,
                sentiment_polarity=-0.5 if comment else None,
                sentiment_label="negative" if comment else None,
            ))
        for user, event, day in EVENTS:
            session.add(OutcomeEvent(team_id=team_id, respondent_id=ids[user], event=event,
                                     occurred_on=day, imported_at=NOW))
        session.flush()
        renumber_team_answers(session=session, team_id=team_id)
    return ids
