"""Fourteen customers over two 30-day periods, counted on paper (see `written`).

Now is 30 Nov 2026 12:00 UTC; `30d` is [31 Oct 12:00, 30 Nov 12:00] and the period before it
[1 Oct 12:00, 31 Oct 12:00) (an answer exactly at 31 Oct 12:00 is in the current period).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import Metric
from tests.history_builder import History

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CURRENT_START = NOW - timedelta(days=30)
PREVIOUS_START = NOW - timedelta(days=60)
BEFORE, AFTER = datetime(2026, 10, 10, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)
FALLEN_ACCOUNT = "Bolt & <Co>"  # escaped where shown

# (customer, latest before → latest now):             row → column
#   A 10→9   promoter→promoter     B 9→3  promoter→detractor (fell: named to staff)
#   C 10→7   promoter→passive      H 9→–  promoter→silent
#   D 8→10   passive→promoter      E 7→6  passive→detractor
#   F 2→9    detractor→promoter    J 3→2  detractor→detractor
#   G 10, then 4 → 8: detractor→passive (the later answer of the period counts)
#   N 6→7    detractor→passive     L 5 at exactly the previous start → –: detractor→silent
#   K –→10 at exactly the current start: silent→promoter
#   P –→9 at exactly now: silent→promoter      I –→6 silent→detractor
# Not counted: M (an answer a microsecond before the previous period), Q (anonymous answers
# in both periods, 10 then 0), R (CSAT only), and a customer of another workspace.
#
#             promoter passive detractor silent | total
#   promoter         1       1         1      1 |     4
#   passive          1       0         1      0 |     2
#   detractor        1       2         1      1 |     5
#   silent           2       0         1      – |     3
#   total            5       3         4      2 |    14
# Up: D, F, G, N = 4; down: B, C, E = 3; net +1. H, L, K, P, I moved from or to silent.
EXPECTED = {
    ("promoter", "promoter"): 1, ("promoter", "passive"): 1, ("promoter", "detractor"): 1,
    ("promoter", "silent"): 1, ("passive", "promoter"): 1, ("passive", "passive"): 0,
    ("passive", "detractor"): 1, ("passive", "silent"): 0, ("detractor", "promoter"): 1,
    ("detractor", "passive"): 2, ("detractor", "detractor"): 1, ("detractor", "silent"): 1,
    ("silent", "promoter"): 2, ("silent", "passive"): 0, ("silent", "detractor"): 1,
    ("silent", "silent"): 0,
}


def written(history: History) -> None:
    history.customer("U0B", account=FALLEN_ACCOUNT, at=BEFORE)
    pairs = {"U0A": (10, 9), "U0B": (9, 3), "U0C": (10, 7), "U0D": (8, 10), "U0E": (7, 6),
             "U0F": (2, 9), "U0J": (3, 2), "U0N": (6, 7)}
    for user, (before, after) in pairs.items():
        history.answer(user, before, BEFORE)
        history.answer(user, after, AFTER)
    history.answer("U0G", 10, BEFORE - timedelta(days=5))
    history.answer("U0G", 4, BEFORE + timedelta(days=5))
    history.answer("U0G", 8, AFTER)
    history.answer("U0H", 9, BEFORE)
    history.answer("U0L", 5, PREVIOUS_START)
    history.answer("U0K", 10, CURRENT_START)
    history.answer("U0P", 9, NOW)
    history.answer("U0I", 6, AFTER)
    history.answer("U0M", 8, PREVIOUS_START - timedelta(microseconds=1))
    history.answer("U0Q", 10, BEFORE, anonymous=True)
    history.answer("U0Q", 0, AFTER, anonymous=True)
    history.answer("U0R", 1, BEFORE, metric=Metric.CSAT)
    history.answer("U0R", 5, AFTER, metric=Metric.CSAT)
    elsewhere = History(history.engine, team_id="T0OTHER")
    elsewhere.answer("U0X", 9, BEFORE)
    elsewhere.answer("U0X", 0, AFTER)
