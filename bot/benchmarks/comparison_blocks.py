"""`/engagement benchmark` as Block Kit: the headline that fits one screen, and the full list.

The headline answer stays within ONE_SCREEN characters of text Slack shows (header, sections,
context and the button's label): labels and source names are cut to a fixed length, notes are
one line each, and everything else waits behind the "All N benchmarks" button.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.benchmarks.comparison import BenchmarkComparison, BenchmarkLine, BenchmarkSection
from bot.benchmarks.published import MAX_AGE_YEARS
from bot.benchmarks.target_blocks import target_blocks
from bot.benchmarks.targets import TargetGap
from bot.core import ids
from bot.core.text import escape_mrkdwn, truncate
from bot.slack.message import ReportMessage

ONE_SCREEN = 1200  # characters of shown text: about what a laptop's Slack shows unscrolled
LABEL_CHARS = 48  # what a figure is ("the cross-industry world-class threshold")
SOURCE_CHARS = 40  # the source's name in its link
NO_INDUSTRY = ("No industry set, so these are cross-industry figures; an admin can choose one "
               "with `/engagement set industry`.")


def consumer_caveat(comparison: BenchmarkComparison) -> str:
    served = "a business audience" if comparison.b2b else "your customers, who may be businesses"
    return ("Consumer figures come from consumers rating companies they use, not from business "
            f"customers: read them with care beside {served}.")


def _where(comparison: BenchmarkComparison) -> str:
    return comparison.industry_name or "cross-industry"


def _source(line: BenchmarkLine, limit: int = 2900) -> str:
    # Cut before escaping, so an escape (&amp;) is never cut in half.
    shown = escape_mrkdwn(truncate(line.source, limit))
    if line.added_by:
        # The mention is ours (a validated user ID), not typed text: it alone is left live.
        escaped = f"added by &lt;@{line.added_by}&gt;"
        if shown.startswith(escaped):
            shown = f"added by <@{line.added_by}>" + shown[len(escaped):]
    return shown


def _link(line: BenchmarkLine) -> str:
    """The source as a Slack link `<url|name, year>`, its age and grade; custom figures name
    who added them."""
    b = line.benchmark
    if b is None or b.is_custom or not b.url:
        return f"_{_source(line, SOURCE_CHARS + 20)}_"
    name = truncate(b.source, SOURCE_CHARS).replace("|", "/")
    year = f", {b.year}" if b.year is not None else ""
    age = line.age.split(", ", 1)[1] if ", " in line.age else line.age
    return (f"<{escape_mrkdwn(b.url)}|{escape_mrkdwn(name)}{year}> · {escape_mrkdwn(age)}"
            f" · grade {b.trust}")


def _headline_line(section: BenchmarkSection, line: BenchmarkLine) -> str:
    assert line.gap is not None  # only single values lead (BenchmarkLine.can_lead)
    short = dataclasses.replace(line.gap, label=truncate(line.gap.label, LABEL_CHARS))
    return (f"• *{section.metric} {escape_mrkdwn(section.ours)}*: "
            f"{escape_mrkdwn(short.describe())}\n   {_link(line)}")


def _missing(comparison: BenchmarkComparison) -> list[str]:
    """One short line per metric without a figure of its own industry, or without one recent
    enough to lead, saying so."""
    said = []
    for section in comparison.sections:
        if section.note and section.note.startswith("no published"):
            # The fallback's reason, without the ACSI note the full list gives.
            reason = section.note.split(". ")[0]
            said.append(reason[0].upper() + reason[1:] + ".")
        if section.lines and not any(chosen is section for chosen, _ in comparison.headline):
            said.append(f"{section.metric}: no published figure from the last "
                        f"{MAX_AGE_YEARS} years; older ones are in the full list.")
    return said


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:2900])])


def benchmark_message(
    comparison: BenchmarkComparison, *, period: str, button_value: str
) -> ReportMessage:
    """The comparisons that matter most (see bot.benchmarks.comparison), one screen at most."""
    where = _where(comparison)
    blocks: list[Block] = [HeaderBlock(text=truncate(f"Benchmarks · {where} · {period}", 80))]
    shown = [line for _, line in comparison.headline]
    if comparison.headline:
        text = "\n".join(_headline_line(section, line) for section, line in comparison.headline)
    else:
        text = "No recent published figure to compare with."
    blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    notes = [escape_mrkdwn(note) for note in _missing(comparison)]
    if comparison.needs_consumer_caveat(shown):
        notes.append(consumer_caveat(comparison))
    if comparison.industry is None:
        notes.append(NO_INDUSTRY)
    if notes:
        blocks.append(_context("\n".join(notes)))
    if comparison.lines:
        blocks.append(ActionsBlock(block_id="benchmarks", elements=[ButtonElement(
            text=f"All {comparison.lines} benchmarks", action_id=ids.ALL_BENCHMARKS_ACTION,
            value=button_value,
        )]))
    return ReportMessage(text=f"Our figures against published benchmarks ({where})",
                         blocks=blocks)


def all_benchmarks_message(
    comparison: BenchmarkComparison, *, period: str, targets: Sequence[TargetGap] = ()
) -> ReportMessage:
    """Every figure with its source, grade, age and why some are left out."""
    where = _where(comparison)
    blocks: list[Block] = [HeaderBlock(text=truncate(f"All benchmarks · {where} · {period}",
                                                     150))]
    for section in comparison.sections:
        lines = [f"*Our {section.metric}: {section.ours}*"]
        for line in section.lines:
            compared = f"\n   {escape_mrkdwn(line.comparison)}" if line.comparison else ""
            if line.to_close:
                compared += f"; {escape_mrkdwn(line.to_close)}"
            url = line.benchmark.url if line.benchmark else None
            link = f" · <{escape_mrkdwn(url)}|source>" if url else ""
            lines.append(
                f"• *{escape_mrkdwn(line.figure)}* {escape_mrkdwn(line.label)}{compared}\n"
                f"   _{_source(line)}_{link}"
            )
        if not section.lines:
            lines.append("No published figures to compare with.")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 2900))))
        if section.note:
            blocks.append(_context(escape_mrkdwn(section.note)))
        blocks += target_blocks(targets, metric="nps" if section.metric == "NPS" else "csat")
    shown = [line for section in comparison.sections for line in section.lines]
    if comparison.needs_consumer_caveat(shown):
        blocks.append(_context(consumer_caveat(comparison)))
    if comparison.industry is None:
        blocks.append(_context(NO_INDUSTRY))
    return ReportMessage(text=f"All benchmarks ({where})", blocks=blocks)
