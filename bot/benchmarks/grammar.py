"""Parses the admin subcommands of /engagement that set benchmarks, targets and the industry.

    /engagement set industry KEY|clear
    /engagement benchmark add nps|csat VALUE NAME… [year:YYYY] [source:TEXT…]
    /engagement benchmark list | benchmark remove ID
    /engagement target nps|csat VALUE | target clear nps|csat

Values stay as typed: bot.benchmarks.inputs checks them the same way for Slack and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.usage import UsageError

BENCHMARK_ACTIONS = ("add", "list", "remove")
CLEAR_WORDS = ("clear", "none")


@dataclass(frozen=True)
class SetIndustry:
    industry: str | None  # None clears it


@dataclass(frozen=True)
class AddBenchmark:
    metric: str
    value: str
    name: str
    year: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ListBenchmarks:
    pass


@dataclass(frozen=True)
class RemoveBenchmark:
    benchmark_id: str


@dataclass(frozen=True)
class SetTarget:
    metric: str
    value: str


@dataclass(frozen=True)
class ClearTarget:
    metric: str


SettingsCommand = (
    SetIndustry | AddBenchmark | ListBenchmarks | RemoveBenchmark | SetTarget | ClearTarget
)
SETTINGS_COMMANDS = (
    SetIndustry, AddBenchmark, ListBenchmarks, RemoveBenchmark, SetTarget, ClearTarget
)


def is_settings_command(words: list[str]) -> bool:
    first = words[0].lower() if words else ""
    if first in ("set", "target"):
        return True
    return first == "benchmark" and len(words) > 1 and words[1].lower() in BENCHMARK_ACTIONS


def parse_settings(words: list[str]) -> SettingsCommand:
    """`words` as typed (names keep their case); call only when is_settings_command(words)."""
    first = words[0].lower()
    if first == "set":
        return _parse_set(words[1:])
    if first == "target":
        return _parse_target(words[1:])
    return _parse_benchmark(words[1].lower(), words[2:])


def _parse_set(words: list[str]) -> SetIndustry:
    if not words or words[0].lower() != "industry":
        raise UsageError("only the industry can be set: set industry KEY", " ".join(words) or "set")
    if len(words) != 2:
        raise UsageError("name one industry key, e.g. set industry b2b_saas_software", "industry")
    return SetIndustry(None if words[1].lower() in CLEAR_WORDS else words[1])


def _parse_target(words: list[str]) -> SetTarget | ClearTarget:
    if len(words) == 2 and words[0].lower() == "clear":
        return ClearTarget(words[1])
    if len(words) == 2:
        return SetTarget(words[0], words[1])
    raise UsageError("write target nps 50, target csat 85 or target clear nps", "target")


def _parse_benchmark(action: str, words: list[str]) -> SettingsCommand:
    if action == "list":
        if words:
            raise UsageError("“benchmark list” takes nothing more", words[0])
        return ListBenchmarks()
    if action == "remove":
        if len(words) != 1:
            raise UsageError("name the number of the benchmark to remove (see benchmark list)",
                             "remove")
        return RemoveBenchmark(words[0])
    if len(words) < 3:
        raise UsageError("write benchmark add nps 62 Acme (competitor)", "add")
    metric, value, rest = words[0], words[1], words[2:]
    name: list[str] = []
    year: str | None = None
    source: str | None = None
    for position, word in enumerate(rest):
        if word.lower().startswith("source:"):
            # The source note is free text: it runs to the end of the command.
            source = " ".join([word[len("source:"):], *rest[position + 1:]]).strip()
            break
        if word.lower().startswith("year:"):
            year = word[len("year:"):]
            continue
        name.append(word)
    if not name:
        raise UsageError("name the company or peer, e.g. benchmark add nps 62 Acme", "add")
    return AddBenchmark(metric, value, " ".join(name), year, source)
