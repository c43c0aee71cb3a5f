"""Themes from a hand-written week of feedback: what is talked about, how often, how it feels."""

from __future__ import annotations

import socket

import pytest

from bot.insights.theme_words import fold, folded_words
from bot.insights.themes import CommentForThemes, Theme, extract_themes, themes_by_class

P, N, D = "promoter", "passive", "detractor"

# (text, NPS class, polarity as the sentiment scorer would store it)
FEEDBACK: list[tuple[str, str, float]] = [
    ("The CSV export keeps failing on large reports.", D, -0.4),
    ("Exports time out every Monday morning.", D, -0.3),
    ("I can't get the export to include comments.", D, -0.2),
    ("Export to Excel breaks the formatting.", D, -0.5),
    ("The export button does nothing in Safari.", D, -0.3),
    ("Billing charged us twice and the invoice was wrong.", D, -0.6),
    ("Our invoices go to the wrong address every month.", D, -0.4),
    ("The invoice never shows the VAT number.", D, -0.2),
    ("Support took three days to answer.", D, -0.3),
    ("Slow dashboard, it takes a minute to load.", D, -0.4),
    ("Support was quick and friendly.", P, 0.6),
    ("Support solved our SSO problem in one call.", P, 0.5),
    ("Great support, Maria is a star.", P, 0.8),
    ("Support always answers the same day.", P, 0.4),
    ("The dashboard is clear and the charts are lovely.", P, 0.6),
    ("Our managers read the dashboard every week.", P, 0.3),
    ("The weekly digest saves me an hour.", P, 0.4),
    ("Love the weekly digest in Slack.", P, 0.7),
    ("Dark mode is lovely on the dashboard.", P, 0.5),
    ("Please add dark mode to the mobile app.", N, 0.0),
    ("Dark mode would be nice for the reports.", N, 0.3),
    ("The mobile app is fine, the dashboard loads slowly.", N, -0.1),
    ("Great product, great thing, really great.", P, 0.9),
    ("Onboarding was okay.", N, 0.1),
    ("", N, 0.0),
]
COMMENTS = [CommentForThemes(text, cls, polarity) for text, cls, polarity in FEEDBACK]


def _by_phrase(themes: list[Theme]) -> dict[str, Theme]:
    return {theme.phrase: theme for theme in themes}


def test_the_expected_themes_with_their_counts_and_feeling() -> None:
    themes = _by_phrase(extract_themes(COMMENTS, top=8))

    # "CSV export", "Exports", "export" and "Export to Excel" are one theme, counted once each.
    assert themes["export"].count == 5
    assert themes["export"].label == "negative"
    assert themes["support"].count == 5
    assert themes["support"].label == "positive"
    assert themes["invoice"].count == 3
    assert themes["invoice"].mean_polarity == pytest.approx(-0.4)
    assert themes["dashboard"].count == 5
    assert themes["dark mode"].count == 3
    # "dark" and "mode" never appear apart, so the phrase is the theme, not either word.
    assert themes["weekly digest"].count == 2
    assert not {"dark", "mode", "weekly", "digest"} & set(themes)


def test_shares_ranking_and_examples() -> None:
    themes = extract_themes(COMMENTS, top=8)
    counts = [theme.count for theme in themes]
    assert counts == sorted(counts, reverse=True)
    export = _by_phrase(themes)["export"]
    assert export.share == pytest.approx(5 / 24)  # the blank comment is not counted
    assert 1 <= len(export.examples) <= 2
    assert all("xport" in example for example in export.examples)


def test_generic_words_and_near_duplicates_are_not_themes() -> None:
    phrases = {theme.phrase for theme in extract_themes(COMMENTS, top=20)}
    assert not phrases & {"product", "thing", "great", "app", "please", "exports", "csv export"}


def test_promoters_and_detractors_talk_about_different_things() -> None:
    classes = themes_by_class(COMMENTS, top=5)

    assert set(classes) == {"promoter", "passive", "detractor"}
    promoters = _by_phrase(classes["promoter"])
    detractors = _by_phrase(classes["detractor"])
    assert "export" in detractors
    assert "export" not in promoters
    assert promoters["support"].label == "positive"
    assert promoters["support"].count == 4
    assert detractors["invoice"].label == "negative"


def test_no_comments_no_themes() -> None:
    assert extract_themes([]) == []
    assert extract_themes([CommentForThemes("  ", None, 0.0)]) == []
    assert extract_themes(COMMENTS, top=0) == []
    assert themes_by_class([]) == {"promoter": [], "passive": [], "detractor": []}


def test_hostile_text_does_not_crash_or_become_a_theme() -> None:
    hostile = [
        CommentForThemes("<@U123> <!channel> the export is broken <https://x.example|x>", D, -0.5),
        CommentForThemes("<!channel> <!here> <@U123> export export", D, -0.2),
        CommentForThemes("export " + "ünïcödé 😡 " * 500 + "z" * 5_000, D, -0.1),
        CommentForThemes("\u202e\u200b\x00" * 100, None, 0.0),
    ]
    themes = _by_phrase(extract_themes(hostile))
    assert themes["export"].count == 3
    assert not {"channel", "here", "u123"} & set(themes)


@pytest.mark.parametrize(
    ("word", "folded"),
    [("Exports", "export"), ("replies", "reply"), ("invoices", "invoice"), ("crashes", "crash"),
     ("status", "status"), ("access", "access"), ("analytics", "analytics"), ("bus", "bus")],
)
def test_plural_folding(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_markup_is_not_words() -> None:
    assert folded_words("<@U123> Exports <!channel> fail") == ["export", "fail"]


def test_themes_run_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("themes tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert extract_themes(COMMENTS, top=3)
