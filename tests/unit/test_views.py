"""Block Kit builders stay within Slack's limits and render what the listeners rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.answers.comment_modal import comment_modal
from bot.core import ids
from bot.core.periods import Period
from bot.home.blocks import customer_home_view
from bot.insights.metrics import csat_from_scores, nps_class, nps_from_scores
from bot.insights.themes import Theme
from bot.pulses.blocks import parse_score_value, pulse_message, score_value
from bot.reporting.blocks import (
    comments_message,
    in_period,
    mistake_message,
    not_scored_line,
    overview_message,
    sentiment_text,
)
from bot.reporting.detail_blocks import csat_message, nps_message, segment_message, trend_message
from bot.reporting.figures import Overview, SegmentBreakdown, SegmentRow, TrendPoint
from bot.reporting.theme_blocks import themes_message
from bot.reporting.themes import ThemesReport
from storage.home import SurveyRow
from storage.models import Metric, PulseMetric
from storage.reporting import CommentRow

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]  # to_dict() validates Slack's limits


def _action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]


def _overview(nps: dict[int, int], csat: dict[int, int]) -> Overview:
    return Overview(period=Period(NOW, NOW, "last 90 days"), nps=nps_from_scores(nps),
                    csat=csat_from_scores(csat), delivered=10, answered=7, response_rate=70.0,
                    nps_scores=nps)


@pytest.mark.parametrize(("metric", "labels"), [(Metric.NPS, 11), (Metric.CSAT, 5)])
@pytest.mark.parametrize("chosen", [None, 3])
def test_pulse_message_has_numbered_buttons_unique_ids_and_a_fallback(
    metric: Metric, labels: int, chosen: int | None
) -> None:
    message = pulse_message(delivery_id=7, metric=metric, question="How likely? <!here>",
                            chosen=chosen)
    blocks = _dicts(message.blocks)

    scores = blocks[1]["elements"]
    assert len(scores) == labels
    assert [b["text"]["text"] for b in scores] == [b["value"].split(":")[2] for b in scores]
    assert len(set(_action_ids(blocks))) == len(_action_ids(blocks))
    assert message.text
    assert "<!here>" not in str(blocks)
    assert (ids.COMMENT_ACTION in _action_ids(blocks)) is (chosen is not None)


def test_a_very_long_question_is_truncated_within_the_section_limit() -> None:
    blocks = _dicts(pulse_message(delivery_id=1, metric=Metric.NPS, question="q" * 5000).blocks)
    assert len(blocks[0]["text"]["text"]) <= 3000


def test_score_values_round_trip_and_reject_garbage() -> None:
    assert parse_score_value(score_value(12, Metric.CSAT, 4)) == (12, Metric.CSAT, 4)
    for garbage in ("", "1:2", "a:nps:3", "1:xyz:3", "1:nps:3:4"):
        with pytest.raises(ValueError):  # noqa: PT011 (any ValueError subclass is the contract)
            parse_score_value(garbage)


def test_comment_modal_carries_the_delivery_and_caps_the_length() -> None:
    view = comment_modal(delivery_id=42, follow_up="Why?", current="old").to_dict()
    assert view["private_metadata"] == "42"
    assert view["callback_id"] == ids.COMMENT_MODAL
    element = view["blocks"][0]["element"]
    assert (element["max_length"], element["initial_value"]) == (3000, "old")


def test_overview_message_names_the_figures() -> None:
    message = overview_message(_overview({10: 45, 8: 35, 2: 20}, {5: 3, 4: 1, 2: 1}))
    shown = str(_dicts(message.blocks))
    assert "*+25*" in shown
    assert "100 answers" in shown
    assert "+9 to +39" in shown
    assert "80%" in shown
    assert "Response rate *70%*" in shown
    assert message.text.endswith("NPS +25")


def test_comments_message_escapes_and_caps_the_count() -> None:
    rows = [CommentRow(comment=f"<@U1> comment {n}", metric=Metric.NPS, score=3,
                       sentiment_label="negative", sentiment_polarity=-0.4, commented_at=NOW)
            for n in range(30)]
    blocks = _dicts(comments_message(rows, period="last 30 days").blocks)
    assert len(blocks) <= 50
    assert "<@U1>" not in str(blocks)
    assert "&lt;@U1&gt;" in str(blocks)


def test_comments_message_names_the_theme_escaped() -> None:
    row = CommentRow(comment="The export fails", metric=Metric.NPS, score=3,
                     sentiment_label="negative", sentiment_polarity=-0.4, commented_at=NOW)
    message = comments_message([row], period="last 30 days", sentiment="negative",
                               theme="csv export")
    assert _dicts(message.blocks)[0]["text"]["text"] == (
        "Negative comments about “csv export” · last 30 days"
    )
    assert message.text == "1 comment from customers about “csv export”, last 30 days"
    hostile = _dicts(comments_message([], period="Q4", theme="<!channel> & co").blocks)
    assert "<!channel>" not in str(hostile)
    assert "No comments about “&lt;!channel&gt; &amp; co” in this period." in str(hostile)


def test_a_mistake_is_one_escaped_line_with_what_was_likely_meant() -> None:
    message = mistake_message("<!channel>", "I don't know “<!channel>”", "nps")
    blocks = _dicts(message.blocks)
    assert len(blocks) == 1
    assert "&lt;!channel&gt;" in str(blocks)
    assert "<!channel>" not in str(blocks) + message.text
    assert "Did you mean `nps`?" in message.text
    assert "Did you mean" not in mistake_message("zzz", "I don't know", None).text


def test_a_customers_home_lists_their_surveys_escaped_and_no_figures() -> None:
    sent = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    surveys = [SurveyRow("<!channel> q4", PulseMetric.NPS, sent, answered=True, closed=False),
               SurveyRow("csat", PulseMetric.CSAT, sent, answered=False, closed=True)]
    customer = customer_home_view(opted_out=False, surveys=surveys).to_dict()
    shown = str(customer["blocks"])
    assert customer["type"] == "home"
    assert "20 Nov 2026 · &lt;!channel&gt; q4 · answered" in shown
    assert "csat · closed" in shown
    assert "NPS" not in shown


def test_detail_views_fit_slacks_limits() -> None:
    overview = _overview({10: 45, 8: 35, 2: 20}, {5: 3, 4: 1, 2: 1})
    nps = _dicts(nps_message(overview).blocks)
    csat = _dicts(csat_message(overview).blocks)
    assert "Promoters (9–10) 45" in str(nps)
    assert "`10` ████████" in str(nps)
    assert "80%" in str(csat)
    points = [TrendPoint(NOW.date(), nps_from_scores({10: n}), csat_from_scores({}))
              for n in range(1, 60)]
    trend = _dicts(trend_message(points, granularity="weekly", period="year").blocks)
    assert len(trend) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in trend if b["type"] == "section")


def test_segment_view_says_how_many_groups_were_hidden() -> None:
    breakdown = SegmentBreakdown(
        "plan", [SegmentRow("<enterprise>", 7, nps_from_scores({10: 7}))], hidden=2, minimum=5
    )
    blocks = str(_dicts(segment_message(breakdown, period="last 90 days").blocks))
    # 7 promoters: adjusted p = 7.75/10, d = 0.75/10, centre 0.7, margin
    # 1.96·√((0.85 − 0.49)/10) = 0.372, so the low end is +33 and the high end is clipped.
    assert "*&lt;enterprise&gt;*: NPS *+100* (7 respondents, 95% interval +33 to +100)" \
        in blocks
    assert "2 groups with fewer than 5 respondents hidden" in blocks


def test_themes_view_with_no_repeated_theme_says_so_and_escapes_phrases() -> None:
    period = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC), "Nov")
    empty = themes_message(ThemesReport(period, 3, [], {}))
    assert "No themes yet" in empty.text
    odd = Theme("<!here> export", 2, 0.5, -0.4, "negative")
    shown = str(_dicts(themes_message(ThemesReport(period, 4, [odd], {"detractor": [odd]})).blocks))
    assert "&lt;!here&gt; export" in shown
    assert "<!here>" not in shown


def test_a_comment_in_another_language_reads_not_scored_never_neutral() -> None:
    assert sentiment_text("unscored", "fr") == "not scored (FR)"
    assert sentiment_text("unscored", None) == "not scored (?)"
    assert sentiment_text("negative", "en") == "negative"
    assert sentiment_text(None, None) == "unscored"  # a comment stored before sentiment existed
    row = CommentRow(comment="Le support ne répond jamais", metric=Metric.NPS, score=3,
                     sentiment_label="unscored", sentiment_polarity=None, commented_at=NOW,
                     language="fr")
    shown = str(_dicts(comments_message([row], period="last 30 days",
                                        not_scored={"fr": 1}).blocks))
    assert "NPS 3 · not scored (FR) · 2026-" in shown
    assert "neutral" not in shown
    assert "1 comment not scored (FR 1) in this period" in shown


def test_not_scored_counts_name_the_most_frequent_language_first() -> None:
    assert not_scored_line({}) is None
    assert not_scored_line({"de": 1, "fr": 3, "es": 1}) == (
        "5 comments not scored (FR 3, DE 1, ES 1)"
    )


def test_themes_say_how_many_comments_were_left_out_unscored() -> None:
    period = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC), "Nov")
    theme = Theme("export", 2, 0.5, -0.4, "negative")
    for report in (ThemesReport(period, 4, [theme], {}, {"de": 2}),
                   ThemesReport(period, 1, [], {}, {"de": 2})):
        shown = str(_dicts(themes_message(report).blocks))
        assert "2 comments not scored (DE 2), not in these themes" in shown
    shown = str(_dicts(themes_message(ThemesReport(period, 4, [theme], {})).blocks))
    assert "not scored" not in shown


@pytest.mark.parametrize(("score", "expected"), [(10, "promoter"), (9, "promoter"),
                                                 (8, "passive"), (7, "passive"), (6, "detractor"),
                                                 (0, "detractor")])
def test_nps_class_boundaries(score: int, expected: str) -> None:
    assert nps_class(score) == expected


@pytest.mark.parametrize(
    ("label", "phrase"),
    [
        ("last 90 days", "in the last 90 days"),
        ("last 1 day", "in the last 1 day"),
        ("week of 16 November 2026", "in the week of 16 November 2026"),
        ("November 2026", "in November 2026"),
        ("Q4 2026 so far", "in Q4 2026 so far"),
        ("the 90 days before", "in the 90 days before"),
        ("since 5 March 2026", "since 5 March 2026"),
    ],
)
def test_no_answers_reads_with_every_period_label(label: str, phrase: str) -> None:
    assert in_period(label) == phrase
