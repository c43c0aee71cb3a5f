"""How far our figures are from the workspace's own targets, and what would reach them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.insights.comparison import Gap, Position, gap_to, what_it_takes
from bot.insights.metrics import CsatResult, Headline, NpsResult

TARGET_LABEL = "our target"


@dataclass(frozen=True)
class TargetGap:
    metric: str  # "nps" or "csat"
    name: str  # "NPS" or "CSAT"
    target: float
    gap: Gap
    to_close: str | None  # None unless we are below the target

    def describe(self) -> str:
        """E.g. "12 points below our target (50), beyond the margin of error (95%)"."""
        return self.gap.describe()


def target_gaps(overview: Headline, targets: Mapping[str, float]) -> list[TargetGap]:
    """One gap per metric that has a target, NPS first; pure, from the overview's counts."""
    gaps = []
    metrics: tuple[tuple[str, str, NpsResult | CsatResult], ...] = (
        ("nps", "NPS", overview.nps),
        ("csat", "CSAT", overview.csat),
    )
    for metric, name, result in metrics:
        if metric not in targets:
            continue
        target = targets[metric]
        gap = gap_to(result, target, label=TARGET_LABEL)
        below = gap.position is Position.BELOW
        gaps.append(
            TargetGap(metric, name, target, gap, what_it_takes(result, target) if below else None)
        )
    return gaps
