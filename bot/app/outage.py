"""What a person is told when the database cannot be reached while they click, type or submit.

The choice (README, production section): nothing is kept aside to be written later. The
request is acknowledged within Slack's 3 s, nothing changes (the survey keeps its buttons),
and the person is asked plainly to do it again; the same click later is counted once.
"""

from __future__ import annotations

from typing import Any

CLICK_NOT_SAVED = "We couldn't save your answer just now – please click again in a minute."
COMMAND_NOT_ANSWERED = "I can't reach my database just now – please try again in a minute."
FORM_NOT_SAVED = "We couldn't save this just now – please press the button again in a minute."


def form_outage_errors(view: dict[str, Any]) -> dict[str, str] | None:
    """Modal field errors that keep the modal open with what was typed, on its first input;
    None when the view has no input to attach them to."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return {str(block["block_id"]): FORM_NOT_SAVED}
    return None


OUTAGE_NOTICE_BLOCK = "outage_notice"


def home_with_outage_notice(view: dict[str, Any]) -> dict[str, Any]:
    """The Home the person pressed a button on, with why nothing changed on top: App Home
    gives no response_url to answer privately, and its buttons must stay for the retry."""
    blocks = [block for block in view.get("blocks") or []
              if not (isinstance(block, dict) and block.get("block_id") == OUTAGE_NOTICE_BLOCK)]
    notice = {"type": "section", "block_id": OUTAGE_NOTICE_BLOCK,
              "text": {"type": "mrkdwn", "text": f":warning: {FORM_NOT_SAVED}"}}
    kept = {key: view[key] for key in ("callback_id", "private_metadata") if view.get(key)}
    return {"type": "home", **kept, "blocks": [notice, *blocks]}
