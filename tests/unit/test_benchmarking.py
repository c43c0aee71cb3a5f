"""Our figures beside the shipped benchmarks: every line names its source; ACSI stays apart."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.benchmarking import compare_with_benchmarks
from bot.insights.benchmarks import custom_benchmark
from bot.insights.metrics import csat_from_scores, nps_from_scores
from bot.periods import Period
from bot.reports import Overview
from bot.views.report_detail import benchmark_message

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _overview() -> Overview:
    return Overview(Period(NOW, NOW, "last 90 days"), nps_from_scores({10: 45, 8: 35, 2: 20}),
                    csat_from_scores({5: 30, 4: 50, 2: 20}), 10, 7, 70.0, {})


def test_every_figure_names_its_source_and_year_and_how_we_compare() -> None:
    comparison = compare_with_benchmarks(_overview(), industry=None)

    nps, csat = comparison.sections
    assert (nps.metric, nps.ours, csat.metric, csat.ours) == ("NPS", "+25", "CSAT", "80%")
    for line in nps.lines + csat.lines:
        assert "grade" in line.source
        assert line.comparison is None or "margin of error" in line.comparison
    assert any("points below" in (line.comparison or "") for line in nps.lines)


def test_acsi_is_never_shown_as_a_csat_percentage() -> None:
    csat = compare_with_benchmarks(_overview(), industry=None).sections[1]

    assert "ACSI figures are not shown beside CSAT" in (csat.note or "")
    assert not any("ACSI" in line.source for line in csat.lines)


def test_an_unknown_industry_falls_back_and_says_so() -> None:
    nps = compare_with_benchmarks(_overview(), industry="fintech").sections[0]

    assert "no NPS figures for 'fintech'; showing cross-industry figures" in (nps.note or "")


def test_an_admins_own_benchmark_comes_first() -> None:
    rival = custom_benchmark(metric="nps", value=41, added_by="Ada", company="Rival Inc")

    nps = compare_with_benchmarks(_overview(), industry=None, extra=[rival]).sections[0]

    assert nps.lines[0].figure == "41"
    assert "Rival Inc" in nps.lines[0].label
    assert "16 points below" in (nps.lines[0].comparison or "")
    # 45 promoters, 20 detractors of 100: (45 + x − 20)/(100 + x) ≥ 0.41 → x ≥ 27.1 → 28.
    assert (nps.lines[0].to_close or "").startswith("reaching 41 takes 28 more promoters")


def test_the_message_fits_slack() -> None:
    message = benchmark_message(compare_with_benchmarks(_overview(), industry=None),
                                period="last 90 days")
    blocks = [block.to_dict() for block in message.blocks]
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
