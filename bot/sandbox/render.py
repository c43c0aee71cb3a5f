"""Block Kit drawn in a terminal the way a person reads it in Slack, for `make demo` and the CLI.

Everything is built from rich.text.Text and never from markup strings: message text is user
content, and "[bold]" typed by a customer must show as those seven characters, as in Slack.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

# Slack mrkdwn: formatting markers count only at word edges ("snake_case_name" stays plain);
# code spans win over everything, since nothing inside them is formatted.
MRKDWN = re.compile(
    r"```(?P<pre>.+?)```"
    r"|`(?P<code>[^`\n]+)`"
    r"|<(?P<ref>[^<>\n]+)>"
    r"|(?<![\w*])\*(?P<bold>[^*\n]+)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic>[^_\n]+)_(?![\w_])"
    r"|(?<![\w~])~(?P<strike>[^~\n]+)~(?![\w~])",
    re.DOTALL,
)
STYLES = {"bold": "bold", "italic": "italic", "strike": "strike"}
CODE_STYLE = "cyan"
BUTTON_STYLES = {"primary": "bold green", "danger": "bold red"}


def unescape(text: str) -> str:
    """What Slack displays for its three escapes; &amp; last so "&amp;lt;" shows "&lt;"."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _reference(inner: str) -> Text:
    """<@U1>, <#C1|name>, <!here>, <!date^…|fallback>, <url|label> as Slack shows them."""
    target, _, label = inner.partition("|")
    if target[:1] in ("@", "#"):
        return Text(target[0] + unescape(label) if label else target, style="bold blue")
    if target.startswith("!"):
        return Text(unescape(label) or "@" + target[1:].split("^")[0], style="bold")
    return Text(unescape(label or target), style="underline blue")


def mrkdwn_text(source: str, style: str = "") -> Text:
    """Slack mrkdwn as styled Text: *bold*, _italic_, ~strike~, `code`, links and mentions."""
    text = Text(style=style)
    position = 0
    for match in MRKDWN.finditer(source):
        text.append(unescape(source[position:match.start()]))
        kind = match.lastgroup or ""
        inner = match.group(kind)
        if kind in ("code", "pre"):
            text.append(unescape(inner), style=CODE_STYLE)
        elif kind == "ref":
            text.append_text(_reference(inner))
        else:  # formatting nests in Slack (*_bold italic_*), so parse the inside too
            text.append_text(mrkdwn_text(inner, STYLES[kind]))
        position = match.end()
    text.append(unescape(source[position:]))
    return text


def _text(obj: Any, style: str = "") -> Text:
    """A text object: mrkdwn is formatted, plain_text shown exactly as written."""
    if isinstance(obj, str):
        return Text(obj, style=style)
    if not isinstance(obj, dict):
        return Text()
    if obj.get("type") == "mrkdwn":
        return mrkdwn_text(str(obj.get("text", "")), style)
    return Text(str(obj.get("text", "")), style=style)


def _options(element: dict[str, Any], marker: str) -> Text:
    chosen = {str(o.get("value")) for o in element.get("initial_options", [])}
    if "initial_option" in element:
        chosen.add(str(element["initial_option"].get("value")))
    lines = [Text.assemble(f"{marker[0]}{'x' if o.get('value') in chosen else ' '}{marker[1]} ",
                           _text(o.get("text"))) for o in element.get("options", [])]
    return Text("\n").join(lines)


def _element(element: Any) -> Text:
    """An interactive element or context item, drawn as its visible label."""
    if not isinstance(element, dict):
        return Text()
    kind = element.get("type", "")
    if kind == "button":
        label = Text.assemble("[ ", _text(element.get("text")), " ]")
        label.stylize(BUTTON_STYLES.get(str(element.get("style")), "bold"))
        return label
    if kind in ("mrkdwn", "plain_text"):
        return _text(element)
    if kind == "image":
        return Text(f"[image: {element.get('alt_text', '')}]", style="italic")
    if kind == "checkboxes":
        return _options(element, "[]")
    if kind == "radio_buttons":
        return _options(element, "()")
    if kind == "overflow":
        return Text("[ ⋯ ]", style="bold")
    shown = element.get("initial_option", {}).get("text") or element.get("placeholder")
    current = element.get("initial_value") or element.get("initial_date")
    label = Text(str(current)) if current else _text(shown, "dim")
    arrow = " ▾" if "select" in kind else ""
    return Text.assemble("[ ", label or Text(kind, style="dim"), f"{arrow} ]")


def _section(block: dict[str, Any]) -> RenderableType:
    parts: list[RenderableType] = []
    text = _text(block.get("text"))
    if "accessory" in block:
        text = Text.assemble(text, "  ", _element(block["accessory"]))
    if text:
        parts.append(text)
    fields = [_text(field) for field in block.get("fields", [])]
    if fields:
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        for index in range(0, len(fields), 2):
            grid.add_row(*fields[index:index + 2])
        parts.append(grid)
    return Group(*parts)


def _rich_text(block: dict[str, Any]) -> Text:
    """rich_text blocks (what Slack makes of typed messages): text runs with their styles."""
    lines = []
    for section in block.get("elements", []):
        runs = section.get("elements", [])
        if section.get("type") == "rich_text_list":  # a list holds sections, one per item
            runs = [run for item in runs for run in [{"type": "text", "text": "• "},
                                                    *item.get("elements", []),
                                                    {"type": "text", "text": "\n"}]]
        line = Text()
        for run in runs:
            flags = run.get("style", {})
            style = " ".join(name for name in ("bold", "italic", "strike") if flags.get(name))
            style = f"{style} {CODE_STYLE}" if flags.get("code") else style
            shown = {"user": f"@{run.get('user_id')}", "channel": f"#{run.get('channel_id')}",
                     "emoji": f":{run.get('name')}:",
                     "link": run.get("text") or run.get("url")}.get(run.get("type", ""))
            line.append(str(shown if shown is not None else run.get("text", "")), style=style)
        lines.append(line)
    return Text("\n").join(lines)


def _block(block: dict[str, Any]) -> RenderableType:
    kind = block.get("type")
    if kind == "header":
        return _text(block.get("text"), "bold")
    if kind == "section":
        return _section(block)
    if kind == "divider":
        return Rule(style="dim")
    if kind == "context":
        items = [_element(element) for element in block.get("elements", [])]
        context = Text("  ").join(items)
        context.stylize("dim")
        return context
    if kind == "actions":
        return Text(" ").join(_element(element) for element in block.get("elements", []))
    if kind == "image":
        image = Text(f"[image: {block.get('alt_text', '')}]", style="italic")
        return Group(_text(block["title"], "bold"), image) if "title" in block else image
    if kind == "input":
        label = _text(block.get("label"), "bold")
        hint = [_text(block["hint"], "dim")] if "hint" in block else []
        return Group(label, _element(block.get("element")), *hint)
    if kind == "rich_text":
        return _rich_text(block)
    if kind == "markdown":
        return mrkdwn_text(str(block.get("text", "")))
    return Text(f"[unsupported block: {kind}]", style="dim italic")


def render_blocks(blocks: list[dict[str, Any]], *, title: str | None = None) -> RenderableType:
    """A Panel showing `blocks` as Slack would; the title is literal text, not markup."""
    body: list[RenderableType] = [_block(block) for block in blocks if isinstance(block, dict)]
    if not body:
        body = [Text("(no blocks)", style="dim italic")]
    return Panel(Group(*body), title=Text(title) if title is not None else None,
                 title_align="left", border_style="blue")


def print_blocks(console: Console, blocks: list[dict[str, Any]], *,
                 title: str | None = None) -> None:
    console.print(render_blocks(blocks, title=title))


def shown_text(blocks: list[dict[str, Any]]) -> str:
    """The text Slack shows of a message, one line per text field: markup, escapes and link
    targets gone, link labels kept. For measuring how much a person has to read."""
    fields: list[Any] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("header", "section"):
            fields += [block.get("text"), *block.get("fields", [])]
            fields.append((block.get("accessory") or {}).get("text"))
        elif kind == "context":
            fields += block.get("elements", [])
        elif kind == "actions":
            fields += [element.get("text") for element in block.get("elements", [])]
    return "\n".join(_text(field).plain for field in fields if isinstance(field, dict))
