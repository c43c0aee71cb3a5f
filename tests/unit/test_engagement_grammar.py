from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app.grammar import parse_engagement
from bot.core.periods import Calendar, PeriodSpec
from bot.digests.grammar import DigestCommand
from bot.pulses.grammar import PulseAction, PulseCommand
from bot.reporting.grammar import EngagementQuery, Granularity, QueryKind, UsageError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", EngagementQuery()),
        ("   ", EngagementQuery()),
        ("overview", EngagementQuery(QueryKind.OVERVIEW)),
        ("comments", EngagementQuery(QueryKind.COMMENTS)),
        ("COMMENTS 30d", EngagementQuery(QueryKind.COMMENTS, PeriodSpec(days=30))),
        ("7d", EngagementQuery(period=PeriodSpec(days=7))),
        ("30d comments", EngagementQuery(QueryKind.COMMENTS, PeriodSpec(days=30))),
        ("help", EngagementQuery(QueryKind.HELP)),
        ("nps quarter", EngagementQuery(QueryKind.NPS, PeriodSpec(None, Calendar.QUARTER))),
        ("csat year share", EngagementQuery(QueryKind.CSAT, PeriodSpec(None, Calendar.YEAR),
                                            share=True)),
        ("trend weekly", EngagementQuery(QueryKind.TREND, granularity=Granularity.WEEKLY)),
        ("trend since 2026-01-01", EngagementQuery(
            QueryKind.TREND, PeriodSpec(None, since=date(2026, 1, 1)))),
        ("segment plan", EngagementQuery(QueryKind.SEGMENT, attribute="plan")),
        ("comments negative 7d", EngagementQuery(QueryKind.COMMENTS, PeriodSpec(days=7),
                                                 sentiment="negative")),
        ("benchmark", EngagementQuery(QueryKind.BENCHMARK)),
        ("engagement quarter",
         EngagementQuery(QueryKind.ENGAGEMENT, PeriodSpec(None, Calendar.QUARTER))),
        ("benchmark grocery", EngagementQuery(QueryKind.BENCHMARK, industry="grocery")),
        ("benchmark 30d", EngagementQuery(QueryKind.BENCHMARK, PeriodSpec(days=30))),
        ("benchmark share", EngagementQuery(QueryKind.BENCHMARK, share=True)),
        ("comments export", EngagementQuery(QueryKind.COMMENTS, theme="export")),
        ("comments negative CSV Export 30d share",
         EngagementQuery(QueryKind.COMMENTS, PeriodSpec(days=30), sentiment="negative",
                         theme="csv export", share=True)),
        ("comments dark mode since 2026-01-01",
         EngagementQuery(QueryKind.COMMENTS, PeriodSpec(None, since=date(2026, 1, 1)),
                         theme="dark mode")),
        ("comments 7d weekly digest",
         EngagementQuery(QueryKind.COMMENTS, PeriodSpec(days=7), theme="weekly digest")),
        ("comments positive e-mail c++ 100% api_key",
         EngagementQuery(QueryKind.COMMENTS, sentiment="positive",
                         theme="e-mail c++ 100% api_key")),
        ("comments " + "x" * 60, EngagementQuery(QueryKind.COMMENTS, theme="x" * 60)),
    ],
)
def test_parses_what_the_help_promises(text: str, expected: EngagementQuery) -> None:
    assert parse_engagement(text) == expected


@pytest.mark.parametrize(
    ("text", "mistake"),
    [
        ("npx", "npx"),
        ("comments comments", "comments"),
        ("0d", "0d"),
        ("9999d", "9999d"),
        ("30d 7d", "7d"),
        ("comments <!channel>", "<!channel>"),
        ("segment", "segment"),
        ("segment Plan!", "segment"),
        ("since", "since"),
        ("since yesterday", "yesterday"),
        ("weekly", "weekly"),  # only after trend
        ("share share", "share"),
        ("overview negative", "negative"),  # only after comments
        ("overview export", "export"),  # a theme only after comments
        ("comments export 30d mode", "mode"),  # a theme is one run of words
        ("comments positive negative", "negative"),
        ("comments export <!here>", "<!here>"),
        ("comments export share share", "share"),
        ("comments " + "x" * 61, "x" * 61),
        ("comments dark " + "y" * 56, "dark " + "y" * 56),  # 61 characters with the space
    ],
)
def test_a_mistake_names_the_word(text: str, mistake: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_engagement(text)
    assert raised.value.mistake == mistake


@pytest.mark.parametrize(
    ("spec", "start", "label"),
    [
        (PeriodSpec(), datetime(2026, 8, 27, 12, 0, tzinfo=UTC), "last 90 days"),
        (PeriodSpec(None, Calendar.QUARTER), datetime(2026, 10, 1, tzinfo=UTC), "Q4 2026 so far"),
        (PeriodSpec(None, Calendar.YEAR), datetime(2026, 1, 1, tzinfo=UTC), "2026 so far"),
        (PeriodSpec(None, since=date(2026, 3, 5)), datetime(2026, 3, 5, tzinfo=UTC),
         "since 5 March 2026"),
        (PeriodSpec(days=1), datetime(2026, 11, 24, 12, 0, tzinfo=UTC), "last 1 day"),
        (PeriodSpec(days=2), datetime(2026, 11, 23, 12, 0, tzinfo=UTC), "last 2 days"),
    ],
)
def test_periods_resolve_against_the_clock(spec: PeriodSpec, start: datetime, label: str) -> None:
    period = spec.resolve(NOW)
    assert (period.start, period.end, period.label) == (start, NOW, label)
    assert period.previous().end == period.start


def test_the_period_before_one_day_is_one_day_not_one_days() -> None:
    assert PeriodSpec(days=1).resolve(NOW).previous().label == "the 1 day before"
    assert PeriodSpec(days=7).resolve(NOW).previous().label == "the 7 days before"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pulse list", PulseCommand(PulseAction.LIST)),
        ("PULSE new", PulseCommand(PulseAction.NEW)),
        ("pulse send Q4 NPS", PulseCommand(PulseAction.SEND, "Q4 NPS")),
        ("pulse pause weekly", PulseCommand(PulseAction.PAUSE, "weekly")),
        ("pulse delete x", PulseCommand(PulseAction.DELETE, "x")),
    ],
)
def test_admin_pulse_subcommands_keep_the_names_case(text: str, expected: PulseCommand) -> None:
    assert parse_engagement(text) == expected


@pytest.mark.parametrize(
    ("text", "mistake"),
    [("pulse", "pulse"), ("pulse fly", "fly"), ("pulse send", "send"), ("pulse list x", "x")],
)
def test_admin_subcommand_mistakes(text: str, mistake: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_engagement(text)
    assert raised.value.mistake == mistake


def test_a_digest_can_be_about_one_pulse_or_a_segment() -> None:
    about_pulse = parse_engagement("digest subscribe weekly 08:00 Europe/Paris pulse:q4-nps")
    assert isinstance(about_pulse, DigestCommand)
    assert (about_pulse.pulse, about_pulse.segment) == ("q4-nps", ())
    about_segment = parse_engagement("digest subscribe segment:plan=enterprise segment:region=EMEA")
    assert isinstance(about_segment, DigestCommand)
    assert about_segment.segment == ("plan=enterprise", "region=EMEA")


def test_every_query_kind_has_one_answer() -> None:
    from bot.reporting.answers import ANSWERS

    # HELP and FOLLOWUPS are answered before a session opens; every other kind from the table.
    assert set(ANSWERS) | {QueryKind.HELP, QueryKind.FOLLOWUPS} == set(QueryKind)
