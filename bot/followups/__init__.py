"""Closing the loop: follow-ups on unhappy answers, from alert to resolution.

Public surface: `alerts.publish_alert`/`sweep_follow_ups` (posted once, reminded when stale),
`handling` (own, reply, resolve), `listing.list_follow_ups`, their Block Kit (`alert_blocks`,
`blocks`) and `listeners.register`.
"""
