"""The terminal rendering of Block Kit shows what a person would read in Slack."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.text import Text

from bot.sandbox.render import mrkdwn_text, print_blocks, render_blocks


def styled(text: Text) -> dict[str, set[str]]:
    """Each styled stretch of `text` with the styles applied to it."""
    found: dict[str, set[str]] = {}
    for span in text.spans:
        found.setdefault(text.plain[span.start:span.end], set()).update(str(span.style).split())
    return found


def console() -> Console:
    return Console(file=io.StringIO(), width=72, record=True, color_system="standard",
                   force_terminal=True)


def shown(blocks: list[dict[str, Any]], title: str | None = None) -> str:
    out = console()
    print_blocks(out, blocks, title=title)
    return out.export_text()


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def test_mrkdwn_markers_become_styles_and_disappear() -> None:
    text = mrkdwn_text("*Bold* and _italic_, `code` ~struck~")

    assert text.plain == "Bold and italic, code struck"
    assert styled(text) == {"Bold": {"bold"}, "italic": {"italic"}, "code": {"cyan"},
                            "struck": {"strike"}}


def test_nested_formatting_and_word_inner_underscores() -> None:
    text = mrkdwn_text("*_both_* snake_case_name 2*3*4")

    assert text.plain == "both snake_case_name 2*3*4"
    assert styled(text) == {"both": {"bold", "italic"}}


def test_slack_escapes_show_as_the_characters_they_stand_for() -> None:
    text = mrkdwn_text("a &lt;b&gt; &amp; `&lt;x&gt;` &amp;lt;")

    assert text.plain == "a <b> & <x> &lt;"


def test_links_mentions_and_dates_show_their_labels() -> None:
    text = mrkdwn_text("<https://x.io/r|the report> <@U0ANN> <#C1|general> <!here> "
                       "<!date^1700000000^{date}|Nov 14> <mailto:a@b.c|a@b.c>")

    assert text.plain == "the report @U0ANN #general @here Nov 14 a@b.c"
    assert "underline" in styled(text)["the report"]


def test_user_text_that_looks_like_rich_markup_is_shown_literally() -> None:
    blocks = [{"type": "section", "text": mrkdwn("[bold red]hi[/] :smile:")},
              {"type": "header", "text": {"type": "plain_text", "text": "[link=x]y"}}]

    output = shown(blocks, title="[red]Ann[/red]")

    assert "[bold red]hi[/] :smile:" in output
    assert "[link=x]y" in output
    assert "[red]Ann[/red]" in output


def test_a_pulse_message_reads_like_slack() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Quick question"}},
        {"type": "section", "text": mrkdwn("*How likely are you to recommend us?*")},
        {"type": "section", "fields": [mrkdwn("*NPS*\n42"), mrkdwn("*Replies*\n17")]},
        {"type": "divider"},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": f"s{n}", "text": {"type": "plain_text",
                                                               "text": str(n)}}
            for n in range(4)]},
        {"type": "context", "elements": [mrkdwn("0 = not at all likely"),
                                         {"type": "image", "image_url": "u", "alt_text": "logo"}]},
        {"type": "image", "image_url": "https://x.io/c.png", "alt_text": "NPS trend"},
    ]

    lines = [line.strip("│ ") for line in shown(blocks, title="What Ann sees").splitlines()]

    assert "What Ann sees" in lines[0]
    assert lines[1:4] == ["Quick question", "How likely are you to recommend us?",
                          "NPS                               Replies"]
    assert lines[4] == "42                                17"
    assert set(lines[5]) == {"─"}
    assert lines[6:9] == ["[ 0 ] [ 1 ] [ 2 ] [ 3 ]", "0 = not at all likely  [image: logo]",
                          "[image: NPS trend]"]


def test_styles_reach_the_terminal() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Title"}},
        {"type": "context", "elements": [mrkdwn("footnote")]},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": "ok", "style": "primary",
             "text": {"type": "plain_text", "text": "Yes"}}]},
    ]
    out = console()

    segments = list(out.render(render_blocks(blocks)))

    style_of = {s.text: s.style for s in segments if s.text.strip() and s.style}
    assert style_of["Title"].bold
    assert style_of["footnote"].dim
    button = next(style for text, style in style_of.items() if "Yes" in text)
    assert button.bold
    assert button.color is not None
    assert button.color.name == "green"


def test_inputs_and_unknown_blocks_are_still_visible() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "input", "label": {"type": "plain_text", "text": "Comment"},
         "element": {"type": "plain_text_input", "action_id": "c",
                     "placeholder": {"type": "plain_text", "text": "Tell us more"}}},
        {"type": "hologram"},
    ]

    output = shown(blocks)

    assert "Comment" in output
    assert "[ Tell us more ]" in output
    assert "[unsupported block: hologram]" in output
    assert "(no blocks)" in shown([])
