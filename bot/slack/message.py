"""A message as the bot answers it: the notification text and its Block Kit blocks."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import Block


@dataclass(frozen=True)
class ReportMessage:
    text: str
    blocks: list[Block]
