"""The weekly (or monthly) digest: what changed, posted where the team already is."""
