"""Escaping and formatting for Slack mrkdwn."""

from __future__ import annotations

import pytest

from bot.core.text import (
    escape_mrkdwn,
    fmt_interval,
    fmt_percent,
    fmt_score,
    plural,
    quote,
    truncate,
)

MINUS = "\u2212"
EN_DASH = "\u2013"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here> hi", "&lt;!here&gt; hi"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<#C1>", "&lt;#C1&gt;"),
        ("<#C1|general>", "&lt;#C1|general&gt;"),
        ("<!subteam^S123>", "&lt;!subteam^S123&gt;"),
        ("<https://evil|click>", "&lt;https://evil|click&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        # Already-escaped text is what the customer typed, so it is escaped again.
        ("&amp;", "&amp;amp;"),
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
        ("a > b < c", "a &gt; b &lt; c"),
        ("*bold* _it_ ~s~ `code`", "*bold* _it_ ~s~ `code`"),
        ("", ""),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


def test_escaped_text_holds_no_angle_brackets_and_only_our_entities() -> None:
    escaped = escape_mrkdwn("<<!channel>&<@U1>&&gt;>")
    assert escaped == "&lt;&lt;!channel&gt;&amp;&lt;@U1&gt;&amp;&amp;gt;&gt;"
    assert "<" not in escaped
    assert ">" not in escaped


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abc", 3, "abc"),  # exactly at the limit: untouched
        ("abcd", 3, "ab…"),
        ("abcd", 4, "abcd"),
        ("abc", 1, "a"),  # no room for an ellipsis and a character
        ("abc", 0, ""),
        ("abc", -1, ""),
        ("was slow today", 10, "was slow…"),  # no space before the ellipsis
        # Multibyte characters count as one each: limits are Slack's, in characters.
        ("日本語のテキスト", 8, "日本語のテキスト"),
        ("日本語のテキスト", 7, "日本語のテキ…"),
        ("日本語のテキスト", 4, "日本語…"),
        ("👍👍👍", 3, "👍👍👍"),
        ("👍👍👍", 2, "👍…"),
        ("é" * 5, 5, "é" * 5),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("ok 👍🏽👍🏽", 6, "ok 👍🏽…"),  # the cut falls between two emoji: nothing to mend
        ("ok 👍🏽👍🏽", 5, "ok…"),  # 👍 without its skin tone would be a different emoji
        ("ok 🇫🇷🇩🇪!", 7, "ok 🇫🇷…"),  # flags are pairs; half of 🇩🇪 shows a boxed "D"
        ("ok 🇫🇷🇩🇪!", 6, "ok 🇫🇷…"),
        ("ok 🇫🇷🇩🇪!", 5, "ok…"),
        ("ok 👨\u200d👩\u200d👧 x", 7, "ok…"),  # a family joined by zero-width joiners
        ("cafe\u0301s", 5, "caf…"),  # "e" + combining accent is one é: not "cafe…"
        ("cafe\u0301s", 6, "cafe\u0301s"),
        ("a &amp; b", 5, "a…"),  # never "a &a…", which Slack would show as raw text
        ("a &lt;b", 6, "a…"),
        ("a &amp; b", 8, "a &amp;…"),
    ],
)
def test_truncate_never_splits_what_shows_as_one_character(
    text: str, limit: int, expected: str
) -> None:
    assert truncate(text, limit) == expected


def test_truncate_with_a_custom_ellipsis() -> None:
    assert truncate("abcdefgh", 6, ellipsis="...") == "abc..."
    assert truncate("abcdefgh", 2, ellipsis="...") == "ab"


@pytest.mark.parametrize("limit", range(0, 40))
def test_truncate_stays_within_every_limit(limit: int) -> None:
    text = "Très bien 👍🏽 &amp; 🇫🇷 日本語 <!channel> " * 2
    assert len(truncate(text, limit)) <= limit


def test_quote_escapes_and_prefixes_every_line() -> None:
    assert quote("line one\n<!channel>") == "> line one\n> &lt;!channel&gt;"
    assert quote("a\r\n\nb") == "> a\n> \n> b"  # blank lines stay inside the quote
    assert quote("") == "> "


def test_quote_of_exactly_the_limit_is_whole() -> None:
    text = "a" * 98
    assert quote(text, limit=100) == "> " + text


def test_quote_cuts_a_long_line_without_half_entities() -> None:
    long = quote("&" * 5000, limit=100)
    # 100 − "> " − "…" leaves 97 characters: 19 whole "&amp;" (95) and no partial 20th.
    assert long == "> " + "&amp;" * 19 + "…"


def test_quote_of_many_lines_stays_within_the_limit_and_inside_the_quote() -> None:
    text = "\n".join(f"line {i} <@U{i}>" for i in range(500))
    quoted = quote(text, limit=200)
    assert len(quoted) <= 200
    lines = quoted.split("\n")
    assert all(line.startswith("> ") for line in lines)
    assert lines[0] == "> line 0 &lt;@U0&gt;"
    assert quoted.endswith("…")
    assert "<" not in quoted


def test_quote_cut_right_after_a_line_still_marks_the_cut() -> None:
    # "> abc" (5) + "\n> " (3) leaves no room for text: the ellipsis ends the last whole line.
    assert quote("abc\ndef", limit=8) == "> abc…"
    # One more character is room for an ellipsis on its own quoted line.
    assert quote("abc\ndef", limit=9) == "> abc\n> …"
    assert quote("abc\ndefg", limit=10) == "> abc\n> d…"


@pytest.mark.parametrize("limit", range(3, 60))
def test_quote_stays_within_every_limit(limit: int) -> None:
    text = "Très bien 👍🏽\n<!here> & <@U1>\n\n" * 4
    quoted = quote(text, limit)
    assert len(quoted) <= limit
    assert all(line.startswith("> ") for line in quoted.split("\n"))


def test_quote_refuses_a_limit_too_small_for_a_quote() -> None:
    with pytest.raises(ValueError, match="no room"):
        quote("anything", limit=2)


@pytest.mark.parametrize(
    ("value", "signed", "digits", "expected"),
    [
        (25, True, 0, "+25"),
        (25.0, False, 0, "25"),
        (-10, True, 0, f"{MINUS}10"),
        (-10.4, False, 0, f"{MINUS}10"),  # unsigned drops "+", never the minus
        (0, True, 0, "0"),
        (0.2, True, 0, "0"),
        (-0.4, True, 0, "0"),  # not "−0"
        (None, True, 0, EN_DASH),
        (float("nan"), True, 0, EN_DASH),
        (24.27, True, 1, "+24.3"),
        (-0.04, True, 1, "0.0"),
        (100, True, 0, "+100"),
        # Exact halves round away from zero, as people do by hand, not to even as Python does.
        (12.5, True, 0, "+13"),
        (-12.5, True, 0, f"{MINUS}13"),
        (24.25, True, 1, "+24.3"),
        (0.5, True, 0, "+1"),
    ],
)
def test_fmt_score(value: float | None, signed: bool, digits: int, expected: str) -> None:
    assert fmt_score(value, signed=signed, digits=digits) == expected


def test_fmt_score_refuses_negative_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        fmt_score(1.0, digits=-1)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (81.2, 0, "81%"),
        (81.25, 1, "81.3%"),
        (62.5, 0, "63%"),
        (100, 0, "100%"),
        (0, 0, "0%"),
        (None, 0, EN_DASH),
    ],
)
def test_fmt_percent(value: float | None, digits: int, expected: str) -> None:
    assert fmt_percent(value, digits) == expected


def test_fmt_interval() -> None:
    assert fmt_interval(9.5, 39.1) == "10 to 39"
    assert fmt_interval(9.48, 39.06, signed=True) == "+9 to +39"
    assert fmt_interval(-98.5, 48.5, signed=True) == f"{MINUS}99 to +49"
    assert fmt_interval(9.48, 39.06, 1, signed=True) == "+9.5 to +39.1"
    assert fmt_interval(72.2, 87.5, percent=True) == "72% to 88%"
    assert fmt_interval(72.22, 87.49, 1, percent=True) == "72.2% to 87.5%"


@pytest.mark.parametrize(
    ("n", "word", "plural_word", "expected"),
    [
        (1, "response", None, "1 response"),
        (3, "response", None, "3 responses"),
        (0, "response", None, "0 responses"),
        (1, "reply", "replies", "1 reply"),
        (2, "reply", "replies", "2 replies"),
        (2, "sheep", "sheep", "2 sheep"),
    ],
)
def test_plural(n: int, word: str, plural_word: str | None, expected: str) -> None:
    assert plural(n, word, plural_word) == expected
