"""Target gaps as Block Kit, shared by the overview, nps, csat and benchmark answers."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.benchmarks.targets import TargetGap
from bot.core.text import escape_mrkdwn, fmt_score


def _target(gap: TargetGap) -> str:
    return fmt_score(gap.target) if gap.metric == "nps" else f"{gap.target:g}%"


def target_line(gap: TargetGap) -> str:
    """E.g. "*Target NPS +50*: 10 points below our target (50), …; reaching 50 takes …"."""
    text = f"*Target {gap.name} {_target(gap)}*: {escape_mrkdwn(gap.describe())}"
    if gap.to_close:
        text += f"; {escape_mrkdwn(gap.to_close)}"
    return text


def target_blocks(gaps: Sequence[TargetGap], *, metric: str | None = None) -> list[Block]:
    """One context line per target (or only `metric`'s); nothing when no target is set."""
    lines = [target_line(gap) for gap in gaps if metric is None or gap.metric == metric]
    if not lines:
        return []
    return [ContextBlock(elements=[MarkdownTextObject(text="\n".join(lines)[:2900])])]
