"""Checks on what an admin types for benchmarks and targets; shared by Slack and the CLI.

Pure: each function returns the clean value or raises InvalidSetting with a message that says
what is allowed, so nothing is stored from a half-understood command.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.benchmarks.published import industry_key
from bot.core.errors import UserFacingError
from storage.models import Metric

MAX_NAME = 80
MAX_SOURCE = 200
EARLIEST_YEAR = 1990  # NPS was published in 2003; older figures are typos
_RANGES = {Metric.NPS: (-100.0, 100.0), Metric.CSAT: (0.0, 100.0)}
_NAMES = {Metric.NPS: "NPS", Metric.CSAT: "CSAT %"}
_SPACES = re.compile(r"\s+")


class InvalidSetting(UserFacingError):
    """A benchmark, target or industry that cannot be stored as given."""


def parse_metric(raw: str) -> Metric:
    word = raw.strip().lower()
    if word in ("csat%", "csat_pct"):
        word = "csat"
    try:
        return Metric(word)
    except ValueError:
        raise InvalidSetting(f"“{raw[:40]}” is not a metric: choose nps or csat") from None


def parse_value(metric: Metric, raw: str | float) -> float:
    """An NPS (−100 to 100) or a CSAT percent (0 to 100); "85%" is read as 85."""
    text = str(raw).strip().removesuffix("%").replace("\u2212", "-")
    try:
        value = float(text)
    except ValueError:
        raise InvalidSetting(f"“{str(raw)[:40]}” is not a number") from None
    low, high = _RANGES[metric]
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidSetting(f"{_NAMES[metric]} runs from {low:g} to {high:g}, not {text[:40]}")
    return value


def clean_name(raw: str) -> str:
    """Whom the figure belongs to: "Acme (competitor)"; one line, 1–80 characters."""
    name = _SPACES.sub(" ", raw).strip()
    if not name:
        raise InvalidSetting("name the company or peer the figure belongs to")
    if len(name) > MAX_NAME:
        raise InvalidSetting(f"a name has at most {MAX_NAME} characters, not {len(name)}")
    return name


def clean_source(raw: str | None) -> str | None:
    if raw is None:
        return None
    source = _SPACES.sub(" ", raw).strip()
    if len(source) > MAX_SOURCE:
        raise InvalidSetting(f"a source note has at most {MAX_SOURCE} characters")
    return source or None


def _is_number(text: str) -> bool:
    # ASCII only: str.isdigit() is also true of "²" and other digits int() refuses.
    return text.isascii() and text.isdigit()


def parse_year(raw: str | int | None, *, this_year: int) -> int | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if not _is_number(text) or not EARLIEST_YEAR <= int(text) <= this_year:
        raise InvalidSetting(f"a year runs from {EARLIEST_YEAR} to {this_year}, not {text[:10]}")
    return int(text)


def parse_benchmark_id(raw: str | int) -> int:
    text = str(raw).strip().lstrip("#")
    if not _is_number(text) or len(text) > 9:
        raise InvalidSetting(f"“{str(raw)[:20]}” is not a benchmark number (see benchmark list)")
    return int(text)


def choose_industry(raw: str, known: Sequence[tuple[str, str]]) -> str:
    """A shipped industry key, from the key or the display name in any case or spelling."""
    wanted = industry_key(raw)
    for key, name in known:
        if wanted in (key, industry_key(name)):
            return key
    keys = ", ".join(key for key, _ in known)
    raise InvalidSetting(
        f"“{raw[:40]}” is not an industry we have figures for. Choose one of: {keys}"
    )
