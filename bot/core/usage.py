"""The error both /engagement grammars raise; its own module so neither imports the other."""

from __future__ import annotations


class UsageError(Exception):
    """The command could not be understood; `mistake` is the word that was not."""

    def __init__(self, message: str, mistake: str) -> None:
        super().__init__(message)
        self.mistake = mistake
