"""App Home: the staff dashboard, or a customer's own surveys and their on/off switch.

Public surface: `view.home_for`, `view.publish_home`, `dashboard.staff_dashboard`,
`blocks` (its Block Kit), `listeners.register` (app_home_opened and the consent switch).
"""
