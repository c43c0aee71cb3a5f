"""The weekly (or monthly) digest: what changed, posted where the team already is.

Public surface: `subscriptions.subscribe`, `grammar.parse_digest` + `commands.run_digest_command`,
`content.build_digest`, `poster.post_due_digests` (exactly once, chart in the thread), `blocks`.
"""
