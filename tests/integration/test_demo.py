"""`make demo` end to end: the NPS it ends with comes from the simulated customers' clicks and
the year of history imported before them, and every view of that history is shown."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from bot.cli.demo_flow import CUSTOMERS, run_demo


def test_demo_ends_with_the_nps_of_the_simulated_answers_and_the_history(
    tmp_path: Path,
) -> None:
    out = io.StringIO()

    report = run_demo(Console(file=out, width=100), tmp_path)

    # The last 90 days hold the live clicks and the imported answers of those days.
    assert report["nps"]["n"] > len(CUSTOMERS)
    assert report["response_rate"] == 100.0  # imported answers were never sent: no rate
    shown = out.getvalue()
    assert "/engagement comments" in shown
    assert "<!channel> please look!" in shown  # shown as text, escaped for Slack
    assert "Block Kit problems" not in shown
    assert "200 customers in three plans and two regions" in shown
    # The year's answers are enough for a change the margin of error cannot explain.
    assert re.search(r"Against the 90 days before: NPS down \d+ points, beyond the margin", shown)
    for view in ("Movement · last 90 days", "Closing the loop: the effect",
                 "Revealed loyalty · last 365 days", "Drivers · last 90 days",
                 "Movement on the engagement map", "Plan per place",
                 "NPS fell beyond its margin · plan = growth"):
        assert view in shown, view
    # The follow-ups recorded on imported detractor answers count: some of them recovered.
    followed = re.search(r"Followed up: (\d+) of (\d+) recovered", shown)
    assert followed is not None, "the followed-up group is empty"
    assert 0 < int(followed[1]) < int(followed[2])


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
