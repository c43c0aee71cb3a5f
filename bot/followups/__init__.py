"""Closing the loop: follow-ups on unhappy answers, from alert to resolution.

Public surface: `alerts.publish_alert`/`sweep_follow_ups` (posted once, reminded when stale),
`alerts.alert_channel` (the workspace's channel, or ALERT_CHANNEL_ID with one workspace),
`handling` (own, reply, resolve; staff only), `listing.list_follow_ups`,
`grammar`/`commands` (`/engagement set alerts #channel|off`), their Block Kit (`alert_blocks`,
`blocks`) and `listeners.register`.
"""
