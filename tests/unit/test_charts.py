"""The NPS trend chart renders offline to a PNG whatever the data."""

from __future__ import annotations

import struct
from datetime import date, timedelta

import pytest
from matplotlib.lines import Line2D

from bot.insights.metrics import nps_from_scores
from bot.reporting.charts import (
    LABEL_GAP,
    NpsPoint,
    ReferenceLine,
    nps_trend_figure,
    nps_trend_png,
    reference_styles,
)

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


def _figure_lines(benchmark: float, target: float) -> tuple[list[Line2D], list[str]]:
    start = date(2026, 9, 7)
    points = [NpsPoint(start, nps_from_scores({10: 6, 8: 3, 2: 1}))]
    figure = nps_trend_figure(points, title="NPS", benchmark=ReferenceLine(benchmark, "Bench"),
                              target=ReferenceLine(target, "Target"),
                              window=(start, start + timedelta(weeks=12)))
    [axes] = figure.axes
    flat = [line for line in axes.lines if len(set(line.get_ydata())) == 1
            and line.get_label() != "NPS"]
    return flat, [text.get_text() for text in axes.texts]


def test_a_target_equal_to_the_benchmark_leaves_the_benchmark_showing() -> None:
    lines, labels = _figure_lines(41, 41)

    bench, target = sorted(lines, key=lambda line: line.get_zorder())
    assert bench.get_label() == "Bench: +41"
    assert target.get_label() == "Target: +41"
    # The benchmark is under the target and wider than it, in another dash pattern and colour:
    # a strip of it shows either side of the target's dots.
    assert bench.get_linewidth() > 1.5 * target.get_linewidth()
    assert bench.get_linestyle() != target.get_linestyle()
    assert bench.get_color() != target.get_color()
    assert labels == ["Bench +41", "Target +41"]


@pytest.mark.parametrize(
    ("benchmark", "target", "bench_at", "target_at"),
    [
        (41, 41, (37.0, "top"), (45.0, "bottom")),  # equal: one label under, one over
        (41, 48.99, (40.995, "top"), (48.995, "bottom")),  # just under the gap: moved apart
        (41, 49, (41.0, "bottom"), (49.0, "bottom")),  # exactly the gap: each on its line
        (50, 44, (51.0, "bottom"), (43.0, "top")),  # a target just under the benchmark
        (100, 100, (84.0, "top"), (92.0, "bottom")),  # kept inside the top of the chart
    ],
)
def test_reference_labels_move_apart_only_when_closer_than_the_gap(
    benchmark: float, target: float, bench_at: tuple[float, str], target_at: tuple[float, str]
) -> None:
    bench, goal = reference_styles(ReferenceLine(benchmark, "Bench"),
                                   ReferenceLine(target, "Target"))

    assert (round(bench.label_y, 3), bench.label_va) == bench_at
    assert (round(goal.label_y, 3), goal.label_va) == target_at
    assert abs(bench.label_y - goal.label_y) >= LABEL_GAP - 1e-9
