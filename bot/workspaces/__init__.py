"""Workspaces: who installed the bot, and who in them may do what.

Public surface:
- `installations`: bot-token and OAuth modes, the installed workspaces and their Grid orgs
  (`installed_teams`), each workspace's client (`workspace_clients`,
  `client_for`), `identify_workspace`.
- `token_encryption`: the stored Slack tokens encrypted at rest (the installation store's
  token columns, `encrypt_stored_tokens` for plain rows and key rotation).
- `access`: `is_admin`/`require_admin` (admins, owners, ADMIN_USER_IDS) and `is_staff` (who may
  see figures and customers' words).
- `uninstalls`: what an uninstall or revoked token cancels.
- `customers.import_customers`: the customer directory (accounts and segment attributes).
- `listeners.register`: app_uninstalled and tokens_revoked.
"""
