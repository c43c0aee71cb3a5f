"""Block Kit ids shared by the view builders and the listeners, so the two cannot drift apart."""

import re

SCORE_ACTION_PREFIX = "pulse_score"
SCORE_ACTION = re.compile(rf"^{SCORE_ACTION_PREFIX}_(nps|csat)_(\d+)$")
COMMENT_ACTION = "pulse_add_comment"

COMMENT_MODAL = "pulse_comment_modal"
COMMENT_BLOCK = "comment"
COMMENT_INPUT = "comment_input"

SLASH_COMMAND = "/engagement"


def score_action_id(metric: str, score: int) -> str:
    return f"{SCORE_ACTION_PREFIX}_{metric}_{score}"


def scores_block_id(metric: str) -> str:
    return f"scores_{metric}"

OPT_OUT_ACTION = "pulse_opt_out"
HOME_OPT_OUT_ACTION = "home_opt_out"
HOME_OPT_IN_ACTION = "home_opt_in"
# The benchmark answer's "All N benchmarks" button; its value is the query it answered.
ALL_BENCHMARKS_ACTION = "benchmarks_all"

NEW_PULSE_ACTION = "home_new_pulse"
NEW_PULSE_MODAL = "new_pulse_modal"
# One block per field of the new-pulse form; errors are reported on these blocks.
PULSE_FIELD_BLOCKS = {
    "name": "pulse_name",
    "metric": "pulse_metric",
    "question": "pulse_question",
    "audience": "pulse_users",
    "users": "pulse_users",
    "channel": "pulse_channel",
    "schedule": "pulse_schedule",
    "timezone": "pulse_timezone",
    "csat_question": "pulse_csat_question",
    "usergroup": "pulse_usergroup",
    "customers": "pulse_customers",
    "segment": "pulse_segment",
    "post_channel": "pulse_post_channel",
    "local_time": "pulse_local_time",
    "remind_after_hours": "pulse_remind_after_hours",
    "close_after_days": "pulse_close_after_days",
    "min_interval_days": "pulse_min_interval_days",
    "anonymous": "pulse_anonymous",
}

# Follow-up alerts: each button's value is the follow-up id.
FOLLOW_UP_OWN_ACTION = "follow_up_own"
FOLLOW_UP_REPLY_ACTION = "follow_up_reply"
FOLLOW_UP_RESOLVE_ACTION = "follow_up_resolve"
FOLLOW_UP_REPLY_MODAL = "follow_up_reply_modal"
FOLLOW_UP_RESOLVE_MODAL = "follow_up_resolve_modal"
FOLLOW_UP_TEXT_BLOCK = "follow_up_text"
FOLLOW_UP_TEXT_INPUT = "follow_up_text_input"

# Row ids as the bot writes them into button values and private_metadata: ASCII digits that fit
# a database INTEGER (a 20-digit "id" overflowed SQLite and PostgreSQL alike).
_RECORD_ID = re.compile(r"[0-9]{1,10}")
MAX_RECORD_ID = 2**31 - 1


def record_id(value: object) -> int:
    """A row id the views wrote into a button value or private_metadata; ValueError for
    anything else (a garbled or forged payload)."""
    text = str(value)
    if not _RECORD_ID.fullmatch(text) or not 0 < int(text) <= MAX_RECORD_ID:
        raise ValueError(f"not a record id: {text[:20]!r}")
    return int(text)


# Slack's own ids, and an e-mail address as people type it: one pattern each, for every check.
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
