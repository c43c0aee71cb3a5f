"""An interaction's form body decodes to exactly what urllib makes of it, whatever it holds."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.slack.payload import form_payload_json

# The characters that make percent-decoding go wrong: escapes, their digits, plus signs,
# backslashes (what the fast path must not misread), non-ASCII and the form's own separators.
TRICKY = st.text(alphabet=st.sampled_from(list("%+\\xX0123456789aAfFgG{}\"é€&=; \x00")) |
                 st.characters(), max_size=60)


def _urllib(body: str) -> str:
    """What Bolt made of the same body: parse_qsl, then the payload field."""
    return dict(parse_qsl(body, keep_blank_values=True))["payload"]


@given(st.recursive(st.text() | st.integers() | st.booleans(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12))
def test_a_payload_as_slack_encodes_it_comes_back_as_its_json(value: object) -> None:
    sent = json.dumps({"payload": value}, ensure_ascii=False)
    body = urlencode({"payload": sent})

    assert form_payload_json(body) == sent == _urllib(body)


@given(TRICKY)
@example("{%zz")  # not an escape: kept as it is
@example("{%4")  # cut short at the end
@example("{%C3%28")  # escapes that are not UTF-8: urllib's replacement character
@example("{\\x41%41")  # a backslash that an escape decoder would read as its own
@example("{a+b%2Bc")  # a plus is a space, an escaped plus a plus
@example("{caf%C3%A9 é")  # an escape and a raw non-ASCII character
def test_any_payload_field_decodes_as_urllib_decodes_it(field: str) -> None:
    body = "payload=" + field
    expected = _urllib(body) if "&" not in field else None

    decoded = form_payload_json(body)

    assert decoded == (expected if expected is not None and expected.startswith("{") else None)


@pytest.mark.parametrize("body", [
    "command=%2Fengagement&text=nps",  # a slash command: a form of many fields
    "payload=" + quote_plus('{"a": 1}') + "&other=1",  # a second field: left to Bolt
    "ssl_check=1&token=x",
    '{"type": "event_callback"}',  # the Events API posts JSON
    "payload=" + quote_plus("[1, 2]"),  # not an object: left to Bolt, which refuses it
])
def test_any_other_body_is_left_to_bolt(body: str) -> None:
    assert form_payload_json(body) is None
