"""A local Slack: a Web API server with Slack's limits, and a client that sends signed requests.

Used by `make demo`, the benchmarks and the tests; never by the running bot itself.
"""
