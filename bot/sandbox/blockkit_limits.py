"""The Block Kit limits Slack enforces, so the sandbox refuses what Slack would refuse.

Slack answers a broken block set with a terse `invalid_blocks`; these messages name the block,
the limit and the size found, so a failing test explains itself without a trip to the docs.
Limits are from https://docs.slack.dev/reference/block-kit (blocks, elements, composition
objects, views).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: dict[Surface, int] = {"message": 50, "modal": 100, "home": 100}
BLOCK_TYPES = frozenset({
    "actions", "context", "divider", "file", "header", "image", "input", "markdown",
    "rich_text", "section", "table", "video",
})
# Element type -> the length limit of its visible `text`, where Slack sets one.
ELEMENT_TEXT_LIMITS = {"button": 75}
OPTION_ELEMENTS = frozenset({
    "static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow",
})


def _length(value: Any) -> int:
    """Characters of a text object or bare string (the limits count the `text` field)."""
    if isinstance(value, dict):
        value = value.get("text", "")
    return len(value) if isinstance(value, str) else 0


def _too_long(value: Any, limit: int, what: str, where: str) -> list[str]:
    size = _length(value)
    if size <= limit:
        return []
    return [f"{where}: {what} is {size} characters; Slack's limit is {limit}"]


def _too_many(items: Any, limit: int, what: str, where: str) -> list[str]:
    count = len(items) if isinstance(items, list) else 0
    if count <= limit:
        return []
    return [f"{where}: {count} {what}; Slack allows at most {limit}"]


def _elements(block: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The interactive elements of a block, each with a path for messages."""
    if block.get("type") == "actions":
        for index, element in enumerate(block.get("elements") or []):
            if isinstance(element, dict):
                yield f"{where}.elements[{index}]", element
    for key in ("accessory", "element"):
        element = block.get(key)
        if isinstance(element, dict):
            yield f"{where}.{key}", element


def _element_problems(element: dict[str, Any], where: str) -> list[str]:
    kind = str(element.get("type", ""))
    found = _too_long(element.get("action_id"), 255, "action_id", where)
    if kind in ELEMENT_TEXT_LIMITS:
        found += _too_long(element.get("text"), ELEMENT_TEXT_LIMITS[kind], f"{kind} text", where)
    if kind == "button":
        found += _too_long(element.get("value"), 2000, "button value", where)
        found += _too_long(element.get("url"), 3000, "button url", where)
    found += _too_long(element.get("placeholder"), 150, "placeholder", where)
    if kind == "plain_text_input":
        for key in ("max_length", "min_length"):
            length = element.get(key)
            if isinstance(length, int) and length > 3000:
                found.append(f"{where}: plain_text_input {key} is {length}; Slack's limit is 3000")
    if kind in OPTION_ELEMENTS:
        options = element.get("options") or []
        found += _too_many(options, 100, "options", where)
        for index, option in enumerate(options if isinstance(options, list) else []):
            if isinstance(option, dict):
                path = f"{where}.options[{index}]"
                found += _too_long(option.get("text"), 75, "option text", path)
                found += _too_long(option.get("value"), 150, "option value", path)
    return found


def _section_problems(block: dict[str, Any], where: str) -> list[str]:
    if "text" not in block and "fields" not in block:
        return [f"{where}: a section needs text or fields"]
    found = _too_long(block.get("text"), 3000, "section text", where)
    fields = block.get("fields") or []
    found += _too_many(fields, 10, "fields", where)
    for index, item in enumerate(fields if isinstance(fields, list) else []):
        found += _too_long(item, 2000, "field", f"{where}.fields[{index}]")
    return found


def _block_problems(block: dict[str, Any], where: str) -> list[str]:
    kind = block.get("type")
    found = _too_long(block.get("block_id"), 255, "block_id", where)
    if kind == "section":
        found += _section_problems(block, where)
    elif kind == "header":
        found += _too_long(block.get("text"), 150, "header text", where)
        text = block.get("text")
        if not isinstance(text, dict) or text.get("type") != "plain_text":
            found.append(f"{where}: header text must be a plain_text object")
    elif kind == "context":
        found += _too_many(block.get("elements"), 10, "context elements", where)
    elif kind == "actions":
        found += _too_many(block.get("elements"), 25, "action elements", where)
    elif kind == "image":
        found += _too_long(block.get("alt_text"), 2000, "image alt_text", where)
        found += _too_long(block.get("image_url"), 3000, "image_url", where)
        found += _too_long(block.get("title"), 2000, "image title", where)
    elif kind == "input":
        found += _too_long(block.get("label"), 2000, "input label", where)
        found += _too_long(block.get("hint"), 2000, "input hint", where)
        if not isinstance(block.get("element"), dict):
            found.append(f"{where}: an input block needs an element")
    return found


def block_problems(blocks: Any, surface: Surface) -> list[str]:
    """Every limit a block set breaks on that surface; empty when Slack would accept it."""
    if not isinstance(blocks, list):
        return [f"blocks must be a list, not {type(blocks).__name__}"]
    found = _too_many(blocks, MAX_BLOCKS[surface], f"blocks in a {surface}", "blocks")
    block_ids: set[str] = set()
    # Slack refuses a repeated action_id anywhere in one block set, not only within a block.
    action_ids: dict[str, str] = {}
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            kind = block.get("type") if isinstance(block, dict) else type(block).__name__
            found.append(f"{where}: unknown block type {kind!r}")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                found.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        found += _block_problems(block, where)
        for path, element in _elements(block, where):
            found += _element_problems(element, path)
            action_id = element.get("action_id")
            if isinstance(action_id, str):
                if action_id in action_ids:
                    found.append(f"{path}: duplicate action_id {action_id!r} "
                                 f"(first at {action_ids[action_id]})")
                action_ids.setdefault(action_id, path)
    return found


def view_problems(view: Any) -> list[str]:
    """Every limit a modal or Home tab view breaks, its blocks included."""
    if not isinstance(view, dict):
        return [f"view must be an object, not {type(view).__name__}"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [f"view type must be 'modal' or 'home', not {kind!r}"]
    found: list[str] = []
    if kind == "modal":
        if not _length(view.get("title")):
            found.append("view: a modal needs a title")
        for key in ("title", "submit", "close"):
            found += _too_long(view.get(key), 24, f"modal {key}", "view")
        blocks = view.get("blocks") or []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            found.append("view: a modal with input blocks needs a submit button")
    found += _too_long(view.get("private_metadata"), 3000, "private_metadata", "view")
    found += _too_long(view.get("callback_id"), 255, "callback_id", "view")
    found += _too_long(view.get("external_id"), 255, "external_id", "view")
    return found + block_problems(view.get("blocks", []), "modal" if kind == "modal" else "home")
