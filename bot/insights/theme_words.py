"""Words that never make a theme on their own, and how words are folded before they are counted.

Counting what customers repeat finds praise and request words ("great", "please add") and the
product itself ("app", "tool") as often as topics; none of those says what customers talk
about. Part-of-speech tagging would find the nouns, but it needs NLTK corpora a
server without internet cannot fetch, so the words are listed here instead.
"""

from __future__ import annotations

import re

# Opinion, intensity and politeness: how customers feel, which sentiment already measures.
_OPINION = """
good great bad awful terrible excellent amazing awesome nice fine ok okay love loved like liked
hate happy unhappy glad pleased disappointed disappointing frustrating frustrated best worst better
worse brilliant fantastic horrible poor perfect useful useless helpful easy hard simple difficult
really very much many lot lots bit quite super pretty so too just still always never ever again
thanks thank please sorry honestly frankly overall definitely absolutely totally highly
wrong right lovely broken slow slowly fast quick quickly clear friendly large small big long short
fail fails failing failed keeps
"""

# Words about anything at all: the product, the customer, time, and the verbs of requests.
_GENERIC = """
product products thing things stuff app apps tool tools service services software platform system
company team teams we us our you your they them people user users customer customers one ones
time times day days week weeks month months year years today yesterday now way ways lot kind sort
use used using make makes made get gets got go goes going went keep keeps kept work works
working worked need needs needed want wants wanted would could should can will may might must
add added adding able see seen look looks find found try tried give take takes let lets
feature features option options something anything everything nothing experience issue issues
problem problems help helps also even every each other another new old first last next same
different able sure yet well back since via etc nobody somebody someone anyone everyone
everybody anybody
"""

# English function words: they join phrases but are never one.
_ENGLISH = """
a about above after again against all am an and any are as at be because been before being
below between both but by did do does doing down during few for from further had has have
having he her here hers herself him himself his how if in into is it itself just me more most
my myself no nor not of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will
with you your yours yourself yourselves don doesn didn isn aren wasn weren won wouldn couldn
shouldn hasn haven hadn ll re ve
"""

# Contractions and pronouns feedback is full of.
_FUNCTION = """
i me my mine it its it's i'm i've i'd don't doesn't didn't can't won't isn't aren't wasn't
there's that's what's let's we're we've we'd you're they're
"""

STOPWORDS = frozenset(_ENGLISH.split())
NOT_THEMES = frozenset((_OPINION + _GENERIC + _FUNCTION).split())

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Slack markup (<@U123>, <!channel>, <https://…|label>) names people and links, not topics.
_SLACK_MARKUP = re.compile(r"<[^<>]{0,500}>")
_KEEP_S = ("ss", "us", "is", "ous", "ics")


def without_markup(text: str) -> str:
    return _SLACK_MARKUP.sub(" ", text)


def fold(word: str) -> str:
    """Lowercase and fold a simple English plural, so "Exports" and "export" count as one.

    No lemmatiser runs offline, and folding only the regular plurals ("replies" → "reply",
    "invoices" → "invoice") is wrong far less often than stemming ("status" stays "status").
    """
    word = word.lower()
    if len(word) <= 3 or word.endswith(_KEEP_S) or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1]


def folded_words(text: str) -> list[str]:
    """The words of a comment, markup removed, each folded."""
    return [fold(word) for word in _WORD.findall(without_markup(text))]
