"""The demo's year of customer history: made up (`history.generate`, as the CSV files a team
would import) and loaded through the same importers a team uses (`loading.load_history`).
`make demo`, `make playground` and `python -m bot seed` all start from it."""
