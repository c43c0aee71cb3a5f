"""Charts as PNG bytes (matplotlib's object API: no pyplot global state, no display needed)."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.insights.metrics import NpsResult

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ReferenceLine:
    value: float
    label: str  # "Bain B2B software average (2024)", "Target"


@dataclass(frozen=True)
class NpsPoint:
    start: date
    nps: NpsResult


def _day_number(day: date) -> float:
    """matplotlib's own date unit (days since its 1970 epoch), as a plain float."""
    return float((day - EPOCH).days)


# The plot area is about 300 pixels high for 200 NPS points: labels closer than this would
# print over each other, and lines closer than a few pixels read as one.
LABEL_GAP = 8.0
Y_RANGE = (-100.0, 100.0)


@dataclass(frozen=True)
class ReferenceStyle:
    """How one reference line is drawn: a target drawn over an equal benchmark must leave the
    benchmark showing, so the benchmark is wider and underneath, the target thin on top."""

    line: ReferenceLine
    linestyle: str  # matplotlib's: "--" dashed, ":" dotted
    colour: str
    width: float
    zorder: float
    label_y: float  # where its label is written, in NPS points
    label_va: str  # "bottom": above the line, "top": below it


def reference_styles(
    benchmark: ReferenceLine | None, target: ReferenceLine | None, *, gap: float = LABEL_GAP
) -> list[ReferenceStyle]:
    """The benchmark and target lines with their label positions. Labels sit on their line,
    unless the two lines are closer than `gap`: then the higher one's label goes above it and
    the lower one's below, at least `gap` apart, so both stay readable (and inside the axes)."""
    styles = []
    if benchmark is not None:
        styles.append(ReferenceStyle(benchmark, "--", "#e01e5a", 2.6, 2.0, benchmark.value,
                                     "bottom"))
    if target is not None:
        styles.append(ReferenceStyle(target, ":", "#2eb67d", 1.4, 3.0, target.value,
                                     "bottom"))
    if len(styles) == 2 and abs(styles[0].line.value - styles[1].line.value) < gap:
        low, high = sorted(styles, key=lambda s: (s.line.value, s.zorder))
        middle = (low.line.value + high.line.value) / 2
        middle = min(max(middle, Y_RANGE[0] + 1.5 * gap), Y_RANGE[1] - 1.5 * gap)
        styles = sorted([replace(high, label_y=middle + gap / 2, label_va="bottom"),
                         replace(low, label_y=middle - gap / 2, label_va="top")],
                        key=lambda s: s.zorder)  # the benchmark first, as in the legend
    return styles


def nps_trend_png(
    points: list[NpsPoint],
    *,
    title: str,
    benchmark: ReferenceLine | None = None,
    target: ReferenceLine | None = None,
    window: tuple[date, date] | None = None,
) -> bytes:
    """NPS per period with its 95% interval as a band, and the benchmark and target lines."""
    figure = nps_trend_figure(points, title=title, benchmark=benchmark, target=target,
                              window=window)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def nps_trend_figure(
    points: list[NpsPoint],
    *,
    title: str,
    benchmark: ReferenceLine | None = None,
    target: ReferenceLine | None = None,
    window: tuple[date, date] | None = None,
) -> Figure:
    """The chart as a matplotlib Figure, so what it draws can be read back without pixels."""
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shown = [(_day_number(p.start), p.nps.score, p.nps.ci95) for p in points
             if p.nps.score is not None]
    if shown:
        axes.plot([x for x, _, _ in shown], [float(y or 0) for _, y, _ in shown], marker="o",
                  color="#1264a3", label="NPS")
        bands = [(x, ci.low, ci.high) for x, _, ci in shown if ci is not None]
        axes.fill_between(
            [x for x, _, _ in bands], [low for _, low, _ in bands], [high for _, _, high in bands],
            color="#1264a3", alpha=0.15, label="95% interval",
        )
        # Whiskers too: a band needs two points, and a new team's first week has one.
        axes.vlines([x for x, _, _ in bands], [low for _, low, _ in bands],
                    [high for _, _, high in bands], color="#1264a3", alpha=0.4)
    axes.xaxis_date()
    if window is not None:
        axes.set_xlim(_day_number(window[0]), _day_number(window[1]))
    else:
        axes.text(0.5, 0.5, "No answers in this period", ha="center", va="center",
                  transform=axes.transAxes)
    for style in reference_styles(benchmark, target):
        value = style.line.value
        axes.axhline(value, linestyle=style.linestyle, color=style.colour,
                     linewidth=style.width, zorder=style.zorder,
                     label=f"{style.line.label}: {value:+.0f}")
        # Written at the right edge, in axes coordinates across and data coordinates up.
        axes.text(0.99, style.label_y, f"{style.line.label} {value:+.0f}", color=style.colour,
                  ha="right", va=style.label_va, fontsize="small",
                  transform=axes.get_yaxis_transform())
    axes.set_ylim(*Y_RANGE)
    axes.set_ylabel("NPS")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    if shown or benchmark or target:
        axes.legend(loc="lower left", fontsize="small")
    figure.autofmt_xdate()
    return figure
