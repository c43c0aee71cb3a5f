"""The playground: the local Slack sandbox and the bot on a demo history, with a web page that
draws what the bot posts (channels, DMs, App Home, modals) and sends what people do to the
bot's real HTTP endpoint as signed requests (`python -m bot playground`)."""
