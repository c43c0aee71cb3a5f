"""The answered pulse rendered once per question and choice equals rendering it per delivery."""

from __future__ import annotations

import pytest

from bot.pulses.blocks import answered_pulse, render_answered_pulse, rendered
from storage.deliveries import PulseDelivery
from storage.models import Metric, PulseMetric


def _delivery(delivery_id: int, metric: PulseMetric, question: str = "How likely?",
              csat_question: str | None = None) -> PulseDelivery:
    return PulseDelivery(
        delivery_id=delivery_id, team_id="T1", user_id="U1", pulse_name="p", metric=metric,
        question=question, csat_question=csat_question, follow_up="Why?", wave_id=1,
        wave_closed=False, channel_id="D1", message_ts="1.1", attempts=1)


# Ids that share digits with the template's stand-in and with scores (1, 10, 11, 101), so a
# rewrite that touched anything but the id at the front of a value would show.
@pytest.mark.parametrize("delivery_id", [1, 10, 11, 101, 987654])
@pytest.mark.parametrize(("metric", "chosen"), [
    (PulseMetric.NPS, {Metric.NPS: 0}),
    (PulseMetric.NPS, {Metric.NPS: 10}),
    (PulseMetric.CSAT, {Metric.CSAT: 1}),
    (PulseMetric.BOTH, {Metric.NPS: 9}),
    (PulseMetric.BOTH, {Metric.NPS: 9, Metric.CSAT: 5}),
])
@pytest.mark.parametrize("commented", [False, True])
def test_each_delivery_gets_exactly_the_message_rendered_for_it(
    delivery_id: int, metric: PulseMetric, chosen: dict[Metric, int], commented: bool,
) -> None:
    delivery = _delivery(delivery_id, metric, csat_question="Satisfied with 1 thing?")

    assert render_answered_pulse(delivery, chosen, commented=commented) == rendered(
        answered_pulse(delivery, chosen, commented=commented))


def test_deliveries_of_one_pulse_get_their_own_ids_and_copies() -> None:
    first = render_answered_pulse(_delivery(7, PulseMetric.NPS), {Metric.NPS: 3})
    second = render_answered_pulse(_delivery(8, PulseMetric.NPS), {Metric.NPS: 3})

    values = [e["value"] for b in second.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values[:3] == ["8:nps:0", "8:nps:1", "8:nps:2"]
    assert values[-2:] == ["8", "8"]  # "Add a comment" and "Stop these surveys"
    first.blocks[0]["text"]["text"] = "changed"  # a caller's edit stays its own
    assert render_answered_pulse(_delivery(8, PulseMetric.NPS), {Metric.NPS: 3}) == second


def test_another_question_or_choice_is_rendered_anew() -> None:
    nps = render_answered_pulse(_delivery(7, PulseMetric.NPS, "Recommend us?"), {Metric.NPS: 3})
    other = render_answered_pulse(_delivery(7, PulseMetric.NPS, "Tell a friend?"),
                                  {Metric.NPS: 3})
    changed = render_answered_pulse(_delivery(7, PulseMetric.NPS, "Recommend us?"),
                                    {Metric.NPS: 4})

    assert "Recommend us?" in nps.blocks[0]["text"]["text"]
    assert "Tell a friend?" in other.blocks[0]["text"]["text"]
    assert nps.text == "Thank you! You chose 3."
    assert changed.text == "Thank you! You chose 4."
