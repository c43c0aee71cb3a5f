"""Benchmarks: the figures a workspace is compared with, and its own targets.

Public surface:
- `published`: the shipped figures (data/benchmarks.yml), industries, sources and trust.
- `custom.load_workspace_benchmarks`: a workspace's industry, custom figures and targets.
- `comparison.compare_with_benchmarks`, `targets.target_gaps`: pure comparisons.
- `grammar.parse_settings` + `commands.run_settings_command`: `/engagement set|target|benchmark`,
  one validation for Slack and the CLI (`inputs`).
- `blocks`, `target_blocks`: their Block Kit.
"""
