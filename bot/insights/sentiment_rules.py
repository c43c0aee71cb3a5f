"""What customer feedback says without opinion words, as rules a lexicon scorer can use.

Pure functions over text, no I/O. VADER and TextBlob were built from tweets, film and product
reviews: they know "awful" and "love", but not that being charged twice, waiting three days or
getting no reply is a complaint, and VADER reads "support" and "please" as praise. These rules
fill that gap in VADER's own terms, so its negation, "but", capitals and intensity rules apply
to them as to any word it knows:

- `CUSTOMER_WORDS`: words of product feedback that neither lexicon has ("buggy", "nightmare",
  "intuitive"), with valences on VADER's −4..+4 scale set beside a word it does have
  ("nightmare" as "horrible" −2.5, "outage" as "failure" −2.3 less a little);
- `NOT_OPINIONS`: VADER words that in feedback name a request or a team, not a feeling;
- `PHRASES`: complaints and praise that need more than one word (waiting, being charged twice,
  things broken, cancelling, no reply, prices going up), each replaced by one token whose
  valence is in the lexicon (`mark_phrases`, `phrase_lexicon`).

`contrast_clauses` and `weigh_contrast` give TextBlob the "but" rule VADER already has: the
clause after "but" says what the customer means ("great product, but onboarding was a
nightmare" is a complaint).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Valences on VADER's scale (−4..+4), each set beside a word VADER's lexicon has.
CUSTOMER_WORDS: Mapping[str, float] = {
    # Negative: how software and service fail.
    "nightmare": -2.5,  # as "horrible" −2.5
    "nightmares": -2.5,
    "hassle": -1.5,  # as "annoy" −1.9, milder
    "clunky": -1.5,
    "cumbersome": -1.5,
    "tedious": -1.5,
    "buggy": -1.8,  # as "useless" −1.8
    "unusable": -2.1,  # as "broken" −2.1
    "unreliable": -1.8,
    "unresponsive": -1.5,
    "unreadable": -1.5,
    "laggy": -1.4,  # as "lag" −1.4
    "flaky": -1.4,
    "slow": -1.2,  # as "delay" −1.3
    "slower": -1.2,
    "overpriced": -1.8,
    "expensive": -1.0,
    "crashes": -1.7,  # as "crash" −1.7
    "crashed": -1.7,
    "crashing": -1.7,
    "bug": -1.2,  # as "errors" −1.4, milder: "bug" also names a report
    "bugs": -1.2,
    "glitch": -1.2,
    "glitches": -1.2,
    "glitchy": -1.5,
    "outage": -1.8,
    "outages": -1.8,
    "downtime": -1.5,
    "overcharged": -2.0,
    # Positive: how software and service please.
    "intuitive": 1.8,  # as "useful" 1.9
    "effortless": 1.8,
    "seamless": 1.8,
    "seamlessly": 1.8,
    "reliable": 1.6,
    "smooth": 1.4,
    "smoothly": 1.4,
    "handy": 1.4,
    "user-friendly": 1.9,  # as "easy" 1.9
}

# VADER's valence for these is a false opinion in feedback: "please add SSO" is a request, and
# "support" is mostly the team's name ("support never replied"). Found on the project's
# evaluation set and confirmed on the held-out one (benchmarks/bench_sentiment.py).
NOT_OPINIONS: frozenset[str] = frozenset({"please", "support"})

_N = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|many|a few)"
_SPAN = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
_LONG_SPAN = r"(?:hours?|hrs?|days?|weeks?|months?)"  # "setup took five minutes" is praise
_NOT = r"(?:not|never|n't|no longer|cannot)"


@dataclass(frozen=True)
class Phrase:
    """A multi-word complaint or praise, replaced by `token` before VADER reads the text."""

    name: str
    kind: str  # waiting, billing, broken, leaving, no reply, price, request, praise
    pattern: re.Pattern[str]
    valence: float  # VADER's scale

    @property
    def token(self) -> str:
        return f"cue_{self.name}"


def _phrase(name: str, kind: str, valence: float, pattern: str) -> Phrase:
    return Phrase(name, kind, re.compile(pattern, re.IGNORECASE), valence)


PHRASES: tuple[Phrase, ...] = (
    # Waiting: a duration spent waiting is a complaint with no opinion word in it.
    _phrase("waited", "waiting", -1.8,
            rf"\bwait(?:ed|ing)?\s+(?:for\s+)?(?:over\s+|more than\s+|almost\s+|nearly\s+)?"
            rf"{_N}\s+(?:more\s+)?{_SPAN}"),
    _phrase("still_waiting", "waiting", -1.8,
            r"\b(?:still|kept\s+(?:us|me)|keeps?\s+(?:us|me))\s+waiting\b"),
    _phrase("on_hold", "waiting", -1.8, rf"\bon hold for\s+(?:over\s+)?{_N}"),
    _phrase("took_long", "waiting", -1.6,
            rf"(?<!only )\b(?:took|takes?|taking)\s+(?:me\s+|us\s+|them\s+)?"
            rf"(?:over\s+|more than\s+|almost\s+|nearly\s+)?"
            rf"(?:{_N}\s+{_LONG_SPAN}|forever|ages)"),
    _phrase("span_late", "waiting", -1.6, rf"\b{_SPAN}\s+late\b"),
    # Billing: charged twice, or for what was cancelled.
    _phrase("double_charged", "billing", -2.2,
            r"\bdouble[- ]?(?:charged|charging|charge|billed|billing)\b"
            r"|\b(?:charged|billed|invoiced)\s+(?:us\s+|me\s+)?(?:twice|two times|double)\b"
            r"|\bover-?(?:charged|billed)\b"),
    _phrase("no_refund", "billing", -1.8,
            r"\b(?:no|still no|without a|waiting for (?:a|our|my|the)|never got (?:a|our|my|the))"
            r"\s+refund\b"),
    # Things broken without an opinion word: "doesn't work", "times out".
    _phrase("not_working", "broken", -1.9,
            r"\b(?:doesn't|does not|don't|do not|didn't|did not|won't|will not|isn't|is not|"
            r"aren't|are not|not|no longer|never|stopped|stops)\s+work(?:s|ed|ing)?\b"),
    _phrase("keeps_failing", "broken", -1.9,
            r"\b(?:keeps?|kept)\s+(?:crashing|failing|freezing|breaking|timing out|"
            r"logging (?:me|us) out|disconnecting|dropping)\b"),
    _phrase("times_out", "broken", -1.5, r"\b(?:times?|timed|timing)\s+out\b"),
    _phrase("logged_out", "broken", -1.2, r"\blog(?:s|ged)?\s+(?:me|us)\s+out\b"),
    _phrase("cannot_use", "broken", -1.5,
            r"\b(?:can't|cannot|can not|couldn't|could not|unable to|not able to)\s+"
            r"(?:log ?in|sign ?in|access|use|open|export|import|connect|save|load|find|"
            r"figure out|get it to)\b"),
    _phrase("lost_data", "broken", -2.2,
            r"\b(?:lost|deleted|wiped|erased)\s+(?:all\s+|some\s+|most\s+)?(?:of\s+)?"
            r"(?:our|my|the)?\s*(?:data|work|contacts|changes|files|records|history)\b"),
    # Leaving.
    _phrase("cancelling", "leaving", -2.0,
            r"\bcancel(?:l?ing|l?ed|s)?\s+(?:our|my|the|this)\s+"
            r"(?:subscription|account|plan|contract|licen[cs]es?|seats?)\b"),
    _phrase("not_renewing", "leaving", -2.0,
            r"\b(?:won't|will not|not going to|don't plan to|do not plan to|not)\s+"
            r"renew(?:ing)?\b"),
    _phrase("leaving", "leaving", -2.0,
            r"\b(?:we're|we are|i'm|i am|we'll be|we will be)\s+(?:leaving|switching|moving|"
            r"churning|looking for an alternative)\b"),
    # No reply.
    _phrase("never_replied", "no reply", -2.0,
            r"\b(?:never|nobody|no one|no-one|noone)\s+(?:ever\s+)?(?:replied|replies|responded|"
            r"responds|answered|answers|got back|gets back|called back|calls back|reads|read)\b"),
    _phrase("no_reply", "no reply", -1.8,
            r"\b(?:no|without (?:a|any)|still no|never (?:got|received|had) (?:a|an|any))\s+"
            r"(?:reply|replies|response|responses|answer|answers|follow-?up|call ?back|"
            r"warning|notice)\b"),
    _phrase("not_heard_back", "no reply", -1.8,
            r"\b(?:haven't|have not|hasn't|has not|didn't|did not|never)\s+(?:heard|hear|got|"
            r"gotten|received)\s+(?:back|a reply|a response|an answer|anything)\b"),
    _phrase("without_fixing", "no reply", -1.5,
            r"\bwithout\s+(?:fixing|solving|resolving|looking at)\b"),
    # Prices going up, and paying for nothing.
    _phrase("price_up", "price", -1.6,
            r"\b(?:price|prices|pricing|cost|costs|fees?|bill|rates?)\s+(?:has\s+|have\s+|had\s+|"
            r"just\s+|recently\s+|is\s+|are\s+)?(?:went|go|goes|gone|going|rose|risen|jumped|"
            r"increased|doubled|tripled)\b"),
    _phrase("price_rise", "price", -1.6,
            r"\b(?:price|pricing)\s+(?:increase|hike|rise)s?\b"
            r"|\b(?:raised|increased|doubled|hiked)\s+(?:the\s+|your\s+|its\s+|their\s+)?"
            r"(?:price|prices|pricing|fees|rates)\b"),
    _phrase("nothing_new", "price", -1.4,
            r"\b(?:nothing new|got nothing|get nothing|getting nothing|for nothing)\b"),
    # Requests: "we would like" is asking, not liking.
    _phrase("would_like", "request", 0.0, r"\b(?:would|'d)\s+(?:like|love)\b"),
    _phrase("wish", "request", 0.0, r"\b(?:i|we)\s+wish\b"),
    # Praise that needs more than a word.
    _phrase("just_works", "praise", 1.8, r"\b(?:just|simply)\s+work(?:s|ed)\b"),
    _phrase("saves_time", "praise", 1.8,
            r"\bsav(?:es|ed|ing)\s+(?:me\s+|us\s+|our team\s+)?(?:a lot of\s+|so much\s+|"
            r"lots of\s+|hours of\s+)?(?:time|hours)\b"),
)


def phrase_lexicon() -> dict[str, float]:
    """The tokens `mark_phrases` writes, with their valences, to add to VADER's lexicon."""
    return {phrase.token: phrase.valence for phrase in PHRASES}


# All phrases in one alternation, so marking a comment is one pass over it, not one per phrase.
_ANY_PHRASE = re.compile(
    "|".join(f"(?P<{phrase.name}>{phrase.pattern.pattern})" for phrase in PHRASES),
    re.IGNORECASE,
)
_TOKENS = {phrase.name: f" {phrase.token} " for phrase in PHRASES}


def _token_for(match: re.Match[str]) -> str:
    return _TOKENS[match.lastgroup or ""]


def mark_phrases(text: str) -> str:
    """The text with each phrase replaced by its one-word token, as VADER should read it."""
    return _ANY_PHRASE.sub(_token_for, text)


def found_phrases(text: str) -> list[str]:
    """The names of the phrases in the text (for tests and explanations)."""
    return [phrase.name for phrase in PHRASES if phrase.pattern.search(text)]


# Contrast is marked by "but" (VADER's own rule uses its first occurrence) and by "however".
_CONTRAST = re.compile(r"\b(?:but|however)\b", re.IGNORECASE)
# VADER's weights around "but": the words before count half, the words after one and a half.
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5


def contrast_clauses(text: str) -> tuple[str, str] | None:
    """(before, after) the first "but" or "however"; None when there is no contrast."""
    found = _CONTRAST.search(text)
    if found is None:
        return None
    before, after = text[: found.start()].strip(), text[found.end() :].strip()
    if not before or not after:
        return None
    return before, after


def weigh_contrast(before: float, after: float) -> float:
    """One polarity for two clauses, the one after "but" weighing three times the one before
    (a clause without opinion words counts as neutral: "great, but I wish it had SSO" is
    milder than "great")."""
    return (BEFORE_CONTRAST * before + AFTER_CONTRAST * after) / (BEFORE_CONTRAST + AFTER_CONTRAST)
