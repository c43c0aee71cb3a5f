"""Workspaces: who installed the bot, and who in them may do what.

Public surface:
- `installations`: bot-token and OAuth modes, the installed workspaces and their Grid orgs
  (`installed_teams`), each workspace's client (`workspace_clients`,
  `client_for`), `identify_workspace`.
- `token_encryption`: the stored Slack tokens encrypted at rest (the installation store's
  token columns, `encrypt_stored_tokens` for plain rows and key rotation).
- `access`: `access_of` (what a person may do in a workspace: admin, staff, or why not),
  `require_admin`/`require_staff`, remembered briefly in the Services' access cache.
- `grammar`/`commands`/`blocks`: `/engagement set staff @group|clear` and
  `/engagement admin list|add|remove`, each workspace's own.
- `uninstalls`: what an uninstall or revoked token cancels.
- `token_refusals`: a workspace whose token Slack refuses stops sending until one works.
- `token_rotation.SharedTokenRotator`: a rotating token refreshed once across replicas.
- `customers.import_customers`: the customer directory (accounts and segment attributes).
- `csv_import` (reading an import file: headers, lines, `ImportRefused`) and `customer_lookup`
  (who a `customer` cell names, customers outside Slack): shared by every import.
- `currency`: the workspace's currency of imported amounts (`/engagement set currency`).
- `listeners.register`: app_uninstalled and tokens_revoked.
"""
