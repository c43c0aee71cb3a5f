"""Escaping and formatting for Slack mrkdwn."""

from __future__ import annotations

import pytest

from bot.views.text import (
    escape_mrkdwn,
    fmt_interval,
    fmt_percent,
    fmt_score,
    plural,
    quote,
    truncate,
)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here> hi", "&lt;!here&gt; hi"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<#C1|general>", "&lt;#C1|general&gt;"),
        ("<https://evil|click>", "&lt;https://evil|click&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("&lt; already", "&amp;lt; already"),
        ("*bold* _it_", "*bold* _it_"),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


def test_truncate_never_exceeds_the_limit() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcd", 3) == "ab…"
    assert truncate("日本語のテキスト", 4) == "日本語…"
    assert truncate("abc", 1) == "a"
    assert truncate("abc", 0) == ""


def test_quote_escapes_prefixes_and_fits() -> None:
    assert quote("line one\n<!channel>") == "> line one\n> &lt;!channel&gt;"
    long = quote("&" * 5000, limit=100)
    assert len(long) <= 100
    assert long.endswith("…")
    assert "&am…" not in long
    assert quote("") == "> "


def test_number_formats() -> None:
    assert fmt_score(25) == "+25"
    assert fmt_score(-10.4) == "\u221210"
    assert fmt_score(0.2) == "0"
    assert fmt_score(None) == "\u2013"
    assert fmt_score(24.27, digits=1) == "+24.3"
    assert fmt_percent(81.2) == "81%"
    assert fmt_percent(None) == "\u2013"
    assert fmt_interval(9.5, 39.1, signed=True) == "+10 to +39"
    assert fmt_interval(72.2, 87.5, percent=True) == "72% to 88%"
    assert plural(1, "answer") == "1 answer"
    assert plural(3, "answer") == "3 answers"
    assert plural(2, "reply", "replies") == "2 replies"
