"""A local Slack: a Web API server with Slack's limits, its Socket Mode end (a WebSocket server),
and a client that sends what people do as signed requests or as Socket Mode envelopes.

Used by `make demo`, the benchmarks and the tests; never by the running bot itself.
"""
