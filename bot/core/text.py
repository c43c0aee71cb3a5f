"""Text for Slack mrkdwn: escaping customer text, truncation, and number formatting."""

from __future__ import annotations

import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"  # a real minus sign: a hyphen before a number reads as a dash in Slack's font
DASH = "\u2013"  # en dash: "no figure yet", distinct from a score of 0
ELLIPSIS = "…"
QUOTE_PREFIX = "> "

_ENTITIES = ("&amp;", "&lt;", "&gt;")
_LONGEST_ENTITY = max(len(entity) for entity in _ENTITIES)
_ZWJ = "\u200d"


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters, so <!channel> or <@U…> typed by a customer is inert.

    '&' goes first, or the entities made for '<' and '>' would be escaped twice. Text that already
    holds "&amp;" is escaped again on purpose: it is what the customer typed, and Slack must show
    it as typed rather than as '&'.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What `forget` leaves where a staff member's Slack ID was (bot.privacy.subjects makes it).
PSEUDONYM_PREFIX = "forgotten-"
FORGOTTEN_PERSON = "a forgotten person"


def is_pseudonym(user_id: str) -> bool:
    return user_id.startswith(PSEUDONYM_PREFIX)


def mention(user_id: str) -> str:
    """A staff member as a Slack mention; one who was forgotten as such, not as a broken one."""
    return FORGOTTEN_PERSON if is_pseudonym(user_id) else f"<@{user_id}>"


def _continues_previous(char: str) -> bool:
    """Whether `char` belongs to the character before it on screen (accent, emoji skin tone…)."""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")  # combining marks, variation selectors
        or char == _ZWJ
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters of subdivision flags (🏴 Scotland)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _safe_end(text: str, end: int) -> int:
    """Move a cut at `end` back until it splits neither an mrkdwn entity nor a visible character.

    A cut inside "&amp;" shows "&am" as raw text, and a cut inside 👍🏽, 👨‍👩‍👧 or 🇫🇷 shows a
    different emoji or a letter in a box. Only ever moves back, so limits still hold.
    """
    while True:
        before = end
        while 0 < end < len(text) and (_continues_previous(text[end]) or text[end - 1] == _ZWJ):
            end -= 1
        if 0 < end < len(text) and _is_regional_indicator(text[end]):
            run = 0
            while run < end and _is_regional_indicator(text[end - 1 - run]):
                run += 1
            if run % 2 == 1:  # flags are pairs of indicators, and this cut splits one
                end -= 1
        amp = text.rfind("&", max(0, end - _LONGEST_ENTITY + 1), end)
        if amp != -1 and any(
            text.startswith(entity, amp) and amp + len(entity) > end for entity in _ENTITIES
        ):
            end = amp
        if end == before:
            return end


def truncate(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """At most `limit` characters, ending in `ellipsis` when anything was cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[: _safe_end(text, limit)]
    # rstrip so a cut after a space reads "was slow…", not "was slow …".
    return text[: _safe_end(text, limit - len(ellipsis))].rstrip() + ellipsis


def quote(text: str, limit: int = 2900) -> str:
    """Customer text as a Slack blockquote: escaped, every line prefixed, at most `limit` long.

    The default leaves room under Slack's 3,000-character limit for a section's text.
    """
    if limit < len(QUOTE_PREFIX) + len(ELLIPSIS):
        raise ValueError(f"limit {limit} leaves no room for {QUOTE_PREFIX + ELLIPSIS!r}")
    lines = escape_mrkdwn(text).splitlines() or [""]
    quoted = "\n".join(QUOTE_PREFIX + line for line in lines)
    if len(quoted) <= limit:
        return quoted
    # Cut line by line rather than cutting `quoted`, so the last line kept still starts with the
    # prefix (a cut just after "\n" would leave a line outside the quote).
    kept: list[str] = []
    used = 0
    for line in lines:
        room = limit - used - (1 if kept else 0) - len(QUOTE_PREFIX)
        if len(line) + len(ELLIPSIS) <= room:
            kept.append(QUOTE_PREFIX + line)
            used += len(kept[-1]) + (1 if len(kept) > 1 else 0)
            continue
        if room >= len(ELLIPSIS):
            cut = line[: _safe_end(line, room - len(ELLIPSIS))].rstrip()
            kept.append(QUOTE_PREFIX + cut + ELLIPSIS)
        else:
            # No room for another "> " line: the previous line was kept with room for this.
            kept[-1] += ELLIPSIS
        break
    return "\n".join(kept)


def _round_half_up(magnitude: float, digits: int) -> Decimal:
    # Python rounds exact halves to even (f"{12.5:.0f}" is "12" but f"{13.5:.0f}" is "14");
    # an NPS of 12.5 should read +13 like any report a customer checks by hand. repr() gives the
    # shortest decimal that round-trips, so 24.25 rounds as 24.25 and not as 24.2499999…
    return Decimal(repr(magnitude)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fmt_score(value: float | None, *, signed: bool = True, digits: int = 0) -> str:
    """NPS style: +25, −10 (a real minus sign), 0; an en dash when there is no value."""
    if digits < 0:
        raise ValueError("digits cannot be negative")
    # NaN or infinity could only come from a bug upstream; a customer-facing "+nan" helps no one.
    if value is None or not math.isfinite(value):
        return DASH
    rounded = _round_half_up(abs(value), digits)
    text = f"{rounded:f}"
    if rounded == 0:  # −0.4 shown as "−0" would claim a sign the figure does not have
        return text
    if value < 0:
        return MINUS + text
    return ("+" if signed else "") + text


def fmt_percent(value: float | None, digits: int = 0) -> str:
    """81%; an en dash when there is no value."""
    text = fmt_score(value, signed=False, digits=digits)
    return text if text == DASH else text + "%"


def fmt_interval(
    low: float, high: float, digits: int = 0, *, signed: bool = False, percent: bool = False
) -> str:
    """'9 to 39', '+9 to +39' (signed), '72% to 88%' (percent)."""
    if percent:
        return f"{fmt_percent(low, digits)} to {fmt_percent(high, digits)}"
    return (
        f"{fmt_score(low, signed=signed, digits=digits)} to "
        f"{fmt_score(high, signed=signed, digits=digits)}"
    )


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    """'1 response', '3 responses', or the given plural for irregular words ('2 replies')."""
    return f"{n} {word if n == 1 else (plural_word if plural_word is not None else word + 's')}"
