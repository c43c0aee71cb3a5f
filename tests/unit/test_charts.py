"""The NPS trend chart renders offline to a PNG whatever the data."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from bot.insights.metrics import nps_from_scores
from bot.reporting.charts import NpsPoint, ReferenceLine, nps_trend_png

PNG = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return width, height


def test_a_trend_with_benchmark_and_target_is_an_800_by_400_png() -> None:
    start = date(2026, 9, 7)
    points = [NpsPoint(start + timedelta(weeks=n), nps_from_scores({10: 5 + n, 8: 3, 2: 2}))
              for n in range(12)]

    png = nps_trend_png(points, title="NPS", benchmark=ReferenceLine(41, "B2B average"),
                        target=ReferenceLine(50, "Target"),
                        window=(start, start + timedelta(weeks=12)))

    assert png.startswith(PNG)
    assert _size(png) == (800, 400)


def test_no_answers_still_draws_a_chart_that_says_so() -> None:
    assert nps_trend_png([], title="NPS").startswith(PNG)
    empty_week = [NpsPoint(date(2026, 11, 16), nps_from_scores({}))]
    assert nps_trend_png(empty_week, title="NPS").startswith(PNG)
