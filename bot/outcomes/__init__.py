"""Outcomes: what customers did (renewed, churned, bought more, referred someone…), imported
from the team's billing or CRM, beside what they said.

Public surface:
- `importing.import_outcomes`: `outcomes import FILE.csv`, its rows read as every import's
  (bot.workspaces.csv_import) and its customers resolved as the answers import's
  (bot.workspaces.customer_lookup).
"""
