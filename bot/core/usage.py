"""The error every /engagement grammar raises; its own module so no grammar imports another."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

# How alike a typed word must be to a known one to be offered ("quarterly" → "quarter" is
# 0.88, "npx" → "nps" 0.67; "year" → "nps" 0.29 is not a typo of it).
SIMILAR = 0.6


class UsageError(Exception):
    """The command could not be understood; `mistake` is the word that was not, and
    `suggestion` the known word it most likely meant, if any."""

    def __init__(self, message: str, mistake: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.mistake = mistake
        self.suggestion = suggestion


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word a typo most likely meant, or None when none is close."""
    found = get_close_matches(word.lower()[:40], list(known), n=1, cutoff=SIMILAR)
    return found[0] if found else None
