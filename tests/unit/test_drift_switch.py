"""`/engagement set drift on|off` and the drift warning's text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app.grammar import parse_engagement
from bot.core.config import ConfigError, load_settings
from bot.core.usage import UsageError
from bot.reporting.drift.blocks import drift_alert_message, drift_lines, segment_label
from bot.workspaces.drift_switch import SetDrift
from storage.drift import DriftComment
from storage.models import DriftAlert, Metric

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "on"), [("set drift off", False), ("set drift on", True),
                                          ("SET Drift OFF", False)])
def test_set_drift_is_on_or_off(text: str, on: bool) -> None:
    assert parse_engagement(text) == SetDrift(on=on)


@pytest.mark.parametrize("text", ["set drift", "set drift maybe", "set drift off now",
                                  "set drift disable"])
def test_anything_else_is_refused_with_what_to_write(text: str) -> None:
    with pytest.raises(UsageError, match="set drift off, or set drift on"):
        parse_engagement(text)


def _alert(**changes: object) -> DriftAlert:
    values: dict[str, object] = {
        "id": 1, "team_id": "T0", "segment": "plan=enterprise", "metric": Metric.NPS,
        "period_start": NOW, "current_start": NOW - timedelta(days=30), "raised_at": NOW,
        "previous_score": 30.0, "current_score": -10.0, "n_previous": 100, "n_current": 100,
        "previous_low": 14.05, "previous_high": 44.2, "current_low": -25.69,
        "current_high": 6.27, "fall_low": 7.45,
    }
    return DriftAlert(**(values | changes))


def test_the_warning_says_what_fell_from_and_to_with_n_and_intervals() -> None:
    message = drift_alert_message(_alert(), [DriftComment("Slow <!here>", 2, "negative")],
                                  days=30)
    shown = str([block.to_dict() for block in message.blocks])
    assert ("From *+30* (100 answers, 95% interval +14 to +44) in the 30 days to 21 Oct to "
            "*\u221210* (100 answers, 95% interval \u221226 to +6) in the 30 days to "
            "20 Nov 2026: down 40 points; allowing for chance, at least 7 points.") in shown
    assert "&gt; Slow &lt;!here&gt;" not in shown  # the quote mark itself is not escaped
    assert "> Slow &lt;!here&gt;" in shown
    assert "`/engagement set drift off`" in shown
    assert message.text == "NPS fell beyond its margin for plan = enterprise: +30 to \u221210"


@pytest.mark.parametrize(("fall_low", "said"), [(0.04, "0.0 points"), (0.96, "0.9 points"),
                                                (1.0, "1 point"), (7.99, "7 points")])
def test_at_least_is_rounded_down_so_it_stays_true(fall_low: float, said: str) -> None:
    shown = str(drift_alert_message(_alert(fall_low=fall_low), [], days=30).blocks[0].to_dict())
    assert f"at least {said}." in shown


def test_csat_reads_as_percent_satisfied() -> None:
    alert = _alert(metric=Metric.CSAT, previous_score=80.0, current_score=60.0,
                   previous_low=69.18, previous_high=87.7, current_low=49.05,
                   current_high=70.04)
    shown = str(drift_alert_message(alert, [], days=30).blocks[0].to_dict())
    assert "*CSAT fell beyond its margin*" in shown
    assert "From *80%* satisfied" in shown
    assert "95% interval 69% to 88%" in shown


def test_segment_values_from_an_imported_file_are_escaped() -> None:
    assert segment_label("plan=<!channel> & co") == "plan = &lt;!channel&gt; &amp; co"
    assert segment_label("all") == "the whole workspace"
    line = drift_lines([_alert(segment="region=<@U123>")], heading="Drift")
    assert line is not None
    assert "<@U123>" not in line
    assert drift_lines([], heading="Drift") is None


@pytest.mark.parametrize(("value", "days"), [("7", 7), ("30", 30), ("90", 90)])
def test_the_drift_period_is_7_to_90_days(
    monkeypatch: pytest.MonkeyPatch, value: str, days: int
) -> None:
    monkeypatch.setenv("DRIFT_PERIOD_DAYS", value)
    assert load_settings(env_file=None).drift_period_days == days


@pytest.mark.parametrize("value", ["6", "91", "monthly"])
def test_a_drift_period_outside_what_was_simulated_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DRIFT_PERIOD_DAYS", value)
    with pytest.raises(ConfigError, match=r"^DRIFT_PERIOD_DAYS"):
        load_settings(env_file=None)


def test_the_drift_period_is_30_days_unless_set() -> None:
    assert load_settings(env_file=None).drift_period_days == 30
