"""Reporting: `/engagement` questions answered with figures, comparisons and comments.

Public surface:
- `grammar.parse_query` and `answers.answer_engagement`: query in, message out.
- `figures`: overview, trend, segments, comments; `engagement_map`, `themes`, `snapshots`.
- `outcomes` (revealed loyalty) and `drivers`, with their Block Kit in `outcome_blocks`.
- `full_report.build_full_report` and `report_json`: `report --json`.
- `charts.nps_trend_png`: the trend chart (matplotlib, imported only where drawn).
- `blocks`, `detail_blocks`, `summary_blocks`, `theme_blocks`: their Block Kit.
"""
