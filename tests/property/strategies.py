"""Hostile text: any Unicode, control characters, RTL, emoji, Slack markup and mention injection."""

from __future__ import annotations

from hypothesis import strategies as st

INJECTIONS = (
    "<@U123>", "<@UEVIL|boss>", "<!channel>", "<!here>", "<!everyone>", "<!subteam^S1|@team>",
    "<#C0GENERAL>", "<https://evil.example|click>", "<https://evil.example>", "*bold*", "_it_",
    "~strike~", "`code`", "```pre```", "&amp;", "&lt;", "&", "<", ">", "> quoted", "&gt;",
    "\u202e" + "evil", "\u200f", "\u200d", "👨‍👩‍👧", "🇫🇷", "e\u0301", "\x00", "\x1b[31m", "\r\n",
    "\t", "İ", "ß", "\ufeff", "\ud7ff", "%s", "{0}", "' OR 1=1 --", "\\", "\"", "\n\n",
)

injection = st.sampled_from(INJECTIONS)
# Text as a person could type it (no surrogates: Slack's JSON cannot carry lone ones).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
# Words of the grammars, so hostile text reaches deep into the parsers.
GRAMMAR_WORDS = (
    "pulse", "digest", "set", "industry", "benchmark", "target", "add", "list", "remove",
    "clear", "nps", "csat", "trend", "segment", "comments", "themes", "followups", "help",
    "engagement", "overview", "weekly", "monthly", "subscribe", "stop", "new", "send", "pause",
    "resume", "delete", "share", "since", "30d", "0d", "99999d", "quarter", "year",
    "2026-01-01", "1999-12-31", "positive", "negative", "neutral", "09:00", "99:99",
    "Europe/Paris", "Mars/Olympus", "UTC", "pulse:", "pulse:<!here>", "segment:plan=x",
    "segment:", "year:2026", "year:<!channel>", "source:", "#1", "#", "-1", "1e9", "NaN",
    "inf", "101", "-101", "9" * 40,
)
grammar_word = st.sampled_from(GRAMMAR_WORDS)
hostile_piece = st.one_of(injection, grammar_word, any_text)
separator = st.sampled_from((" ", "  ", "\n", "\t", "\u00a0", "\u2003", ""))


@st.composite
def hostile_text(draw: st.DrawFn, max_pieces: int = 8) -> str:
    """Words, markup and raw Unicode joined by assorted whitespace."""
    pieces = draw(st.lists(st.tuples(hostile_piece, separator), max_size=max_pieces))
    return "".join(piece + gap for piece, gap in pieces)


huge_text = st.builds(lambda piece, n: (piece * n)[:12_000],
                      st.one_of(injection, st.text(min_size=1, max_size=5).filter(str.strip)),
                      st.integers(min_value=2_000, max_value=12_000))
