"""Insight maths: pure functions over counts, with no Slack or database imports."""
