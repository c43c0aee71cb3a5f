"""Charts as PNG bytes (matplotlib's object API: no pyplot global state, no display needed)."""

from __future__ import annotations

import io
from dataclasses import dataclass
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


def nps_trend_png(
    points: list[NpsPoint],
    *,
    title: str,
    benchmark: ReferenceLine | None = None,
    target: ReferenceLine | None = None,
    window: tuple[date, date] | None = None,
) -> bytes:
    """NPS per period with its 95% interval as a band, and the benchmark and target lines."""
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
    for line, style, colour in ((benchmark, "--", "#e01e5a"), (target, ":", "#2eb67d")):
        if line is not None:
            axes.axhline(line.value, linestyle=style, color=colour,
                         label=f"{line.label}: {line.value:+.0f}")
    axes.set_ylim(-100, 100)
    axes.set_ylabel("NPS")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    if shown or benchmark or target:
        axes.legend(loc="lower left", fontsize="small")
    figure.autofmt_xdate()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
