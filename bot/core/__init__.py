"""The ground floor: what every other package may use, and nothing domain-specific.

Public surface:
- `config.Settings`, `config.load_settings`: every setting, read once from the environment.
- `services.Services`: settings, engine, clock and the access cache, built once and passed
  down (no globals).
- `expiring.ExpiringCache`: a thread-safe map whose entries expire, on the injectable clock.
- `errors.UserFacingError` and its kinds; `usage.UsageError` for commands that cannot be parsed.
- `ids`: Block Kit ids shared by builders and listeners; Slack user id and e-mail patterns.
- `periods.Period`, `periods.PeriodSpec`: reporting windows.
- `text`: mrkdwn escaping and number formatting for everything shown in Slack.
- `logs.configure_logging`: log lines that never carry a token.
- `processes`: this process named so another on the same machine can tell it has ended.
"""
