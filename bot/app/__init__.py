"""The Slack app: wiring every domain's listeners into one Bolt app behind one HTTP server.

Public surface:
- `wiring.create_app(services, client)`: the composition root's Bolt app.
- `server.create_asgi_app`, `server.uvicorn_server`: the ASGI wrapper (/slack/events, /healthz).
- `grammar.parse_engagement`: the text after /engagement, routed to each domain's parser.
- `commands.register`: the /engagement listener (admin subcommands from one table).
"""
