"""`make demo` end to end: the NPS it ends with comes from the simulated customers' clicks."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from bot.cli.demo_flow import CUSTOMERS, run_demo
from bot.insights.metrics import nps_from_scores


def test_demo_ends_with_the_nps_of_the_simulated_answers(tmp_path: Path) -> None:
    out = io.StringIO()

    report = run_demo(Console(file=out, width=100), tmp_path)

    expected = nps_from_scores({score: [c.score for c in CUSTOMERS].count(score)
                                for score in {c.score for c in CUSTOMERS}})
    assert report["nps"]["n"] == len(CUSTOMERS)
    assert report["nps"]["score"] == round(expected.score or 0, 1)
    assert report["response_rate"] == 100.0
    shown = out.getvalue()
    assert "/engagement comments" in shown
    assert "<!channel> please look!" in shown  # shown as text, escaped for Slack
    assert "Block Kit problems" not in shown
    assert f"NPS +{expected.score:.0f}" in shown


def test_demo_posts_a_digest_with_a_chart_a_person_can_open(tmp_path: Path) -> None:
    out = io.StringIO()

    run_demo(Console(file=out, width=100), tmp_path)

    shown = out.getvalue()
    assert "Engagement digest · week of" in shown
    assert "Against the best" in shown
    assert "Engagement map" in shown
    assert "Top themes: support 3 (positive)" in shown
    assert "/engagement themes" in shown
    chart = tmp_path / "digest-nps-trend.png"
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
