"""Our figures beside the shipped benchmarks: every line names its source; ACSI stays apart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.benchmarks.comparison import BenchmarkComparison, compare_with_benchmarks
from bot.benchmarks.comparison_blocks import all_benchmarks_message
from bot.benchmarks.published import custom_benchmark
from bot.core.periods import Period
from bot.insights.metrics import csat_from_scores, nps_from_scores
from bot.reporting.figures import Overview

NOW = datetime(2026, 11, 25, tzinfo=UTC)
TODAY = NOW.date()


def _overview() -> Overview:
    return Overview(Period(NOW, NOW, "last 90 days"), nps_from_scores({10: 45, 8: 35, 2: 20}),
                    csat_from_scores({5: 30, 4: 50, 2: 20}), 10, 7, 70.0, {})


def _compared(**given: Any) -> BenchmarkComparison:
    return compare_with_benchmarks(_overview(), today=TODAY, **given)


def test_every_figure_names_its_source_and_year_and_how_we_compare() -> None:
    comparison = _compared(industry=None)

    nps, csat = comparison.sections
    assert (nps.metric, nps.ours, csat.metric, csat.ours) == ("NPS", "+25", "CSAT", "80%")
    for line in nps.lines + csat.lines:
        assert "grade" in line.source
        assert line.comparison is None or "margin of error" in line.comparison
    assert any("points below" in (line.comparison or "") for line in nps.lines)


def test_acsi_is_never_shown_as_a_csat_percentage() -> None:
    csat = _compared(industry=None).sections[1]

    assert "ACSI figures are not shown beside CSAT" in (csat.note or "")
    assert not any("ACSI" in line.source for line in csat.lines)


def test_an_unknown_industry_falls_back_and_says_so() -> None:
    nps = _compared(industry="fintech").sections[0]

    fell_back = "no published NPS figure for 'fintech'; showing cross-industry figures"
    assert fell_back in (nps.note or "")


def test_an_admins_own_benchmark_comes_first() -> None:
    rival = custom_benchmark(metric="nps", value=41, added_by="Ada", company="Rival Inc")

    nps = _compared(industry=None, extra=[rival]).sections[0]

    assert nps.lines[0].figure == "41"
    assert "Rival Inc" in nps.lines[0].label
    assert "16 points below" in (nps.lines[0].comparison or "")
    # 45 promoters, 20 detractors of 100: (45 + x − 20)/(100 + x) ≥ 0.41 → x ≥ 27.1 → 28.
    assert (nps.lines[0].to_close or "").startswith("reaching 41 takes 28 more promoters")


def test_the_message_fits_slack() -> None:
    message = all_benchmarks_message(_compared(industry=None),
                                period="last 90 days")
    blocks = [block.to_dict() for block in message.blocks]
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def _stored(added_by: str | None, name: str = "Acme (competitor)", source: str | None = None):
    from bot.benchmarks.custom import CustomFigure
    from storage.models import Metric

    return CustomFigure(7, Metric.NPS, 62, name, 2026, source, added_by)


def test_a_stored_figure_says_who_added_it_and_that_it_is_not_published() -> None:
    from bot.benchmarks.custom import as_benchmark

    by_admin = as_benchmark(_stored("U0ADMIN", source="their 2026 report"))
    by_cli = as_benchmark(_stored(None))

    assert by_admin.is_custom
    assert by_cli.is_custom
    assert by_admin.source == "added by <@U0ADMIN>"
    assert by_cli.source == "added from the CLI"
    nps = _compared(industry=None, extra=[by_admin]).sections[0]
    line = nps.lines[0]
    assert line.label == "Acme (competitor) (custom, not published)"
    assert line.source == (
        "added by <@U0ADMIN>, 2026, this year, custom figure (not published); their 2026 report"
    )
    assert line.added_by == "U0ADMIN"
    assert "grade" not in line.source
    assert len(nps.lines) == 5  # the custom figure leads; the published ones still follow


def test_the_benchmark_view_pings_the_admin_only_and_escapes_the_name() -> None:
    from bot.benchmarks.custom import as_benchmark

    hostile = as_benchmark(_stored("U0ADMIN", name="<!channel> Acme", source="<@U0BOSS> said"))
    message = all_benchmarks_message(
        _compared(industry=None, extra=[hostile]), period="x"
    )

    shown = str([block.to_dict() for block in message.blocks])
    assert "added by <@U0ADMIN>" in shown
    assert "&lt;!channel&gt; Acme" in shown
    assert "<!channel>" not in shown
    assert "&lt;@U0BOSS&gt; said" in shown
    assert "<@U0BOSS>" not in shown
    assert "No industry set" in shown


def test_a_target_gap_has_a_direction_a_margin_and_what_it_would_take() -> None:
    from bot.benchmarks.target_blocks import target_line
    from bot.benchmarks.targets import target_gaps

    nps, csat = target_gaps(_overview(), {"nps": 41, "csat": 70})

    assert (nps.gap.position, nps.gap.beyond_margin) == ("below", True)
    assert nps.describe() == "16 points below our target (41), beyond the margin of error (95%)"
    assert (nps.to_close or "").startswith("reaching 41 takes 28 more promoters")
    assert csat.gap.position == "above"
    assert csat.to_close is None
    assert target_line(nps).startswith("*Target NPS +41*: 16 points below our target (41)")
    assert target_gaps(_overview(), {}) == []


def test_the_overview_nps_and_benchmark_views_show_the_target() -> None:
    from bot.benchmarks.targets import target_gaps
    from bot.reporting.blocks import overview_message
    from bot.reporting.detail_blocks import csat_message, nps_message

    gaps = target_gaps(_overview(), {"nps": 41})
    views = (overview_message(_overview(), gaps), nps_message(_overview(), gaps),
             all_benchmarks_message(_compared(industry=None), period="x",
                               targets=gaps))
    for message in views:
        assert "Target NPS +41" in str([block.to_dict() for block in message.blocks])
    assert "Target" not in str([b.to_dict() for b in csat_message(_overview(), gaps).blocks])
