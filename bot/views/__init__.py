"""Block Kit, built in one place: pure functions from data to slack_sdk models."""
