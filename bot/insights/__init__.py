"""Insight maths: pure functions over counts, with no Slack or database imports.

Public surface: `metrics` (NPS, CSAT, response rate, intervals), `comparison` (gaps and what it
takes to close them), `engagement` (the loyalty × satisfaction map), `revealed` (renewals by
what customers said, revenue at risk), `drivers` (themes and segments against the rest),
`followups` (who is a detractor), `themes`, `sentiment`, `agreement`. An import-linter
contract keeps them pure.
"""
