"""What an anonymous pulse's delivery records of its answer: that there is one, never when.

Reminders must pass over whoever answered and response rates count answered deliveries, so a
delivery keeps an "answered" mark even when its pulse is anonymous. A time in that mark would
undo the anonymity: joined with the answers' own day, by wave, it names anyone who was alone in
answering on a day. So the mark is the same for every delivery of a wave, the day of the
wave's scheduled time, and says nothing a delivery's wave does not say already.
"""

from __future__ import annotations

from datetime import datetime


def anonymous_mark(wave_scheduled_for: datetime) -> datetime:
    """The `answered_at` (and, for someone answering a channel post, the `sent_at`) of every
    delivery of an anonymous pulse's wave."""
    return wave_scheduled_for.replace(hour=0, minute=0, second=0, microsecond=0)
