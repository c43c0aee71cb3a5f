"""Talking to Slack, the same way everywhere.

Public surface:
- `client.create_web_client` (retries transient errors), `client.posting_client` (retries only
  429s, for posts that must not double).
- `respond.PooledRespond`: Bolt's `respond()` (a click's private answer) on the same kept-alive
  connections.
- `tokens`: the errors that mean Slack refuses the token itself, and a token's fingerprint.
- `lookup.find_posted`, `lookup.PULSE`/`FOLLOW_UP_ALERT`/`DIGEST`/`PULSE_REMINDER`/
  `FOLLOW_UP_REPLY`, `lookup.PERMANENT_ERRORS`: the one "did Slack already post it?" check, by
  the record id a message carries in its metadata; `lookup.post_once` posts with it and checks
  after an answer that leaves it open.
- `payload.who_clicked`, `payload.actor_team`, `payload.tell_privately`: reading an
  interaction (who acted, and the team they belong to) and answering it;
  `payload.form_payload_json`: an interaction's form body decoded to its JSON.
- `mentions`: people, channels and user groups named in a slash command's text.
- `message.ReportMessage`: a message as the bot answers it (text + blocks).
"""
