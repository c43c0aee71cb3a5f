"""Drift warnings: a segment's NPS or CSAT fell beyond its margin since the period before.

Public surface:
- `check.check_segments` and `check.DriftWindows`: which segments were checked, and how each
  fared (the leader's check, `report --json`'s `drift`).
- `alerts.check_drift` and `alerts.settle_drift_alerts`: the leader's hourly duty, posting each
  fall once to the alert channel.
- `blocks`: the warning's Block Kit, and its one-line form for digests and App Home.
The maths is `bot.insights.drift`; the rows and queries `storage.drift`.
"""
