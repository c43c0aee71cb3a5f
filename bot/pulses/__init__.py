"""Pulses: defining them, opening waves and delivering them through the outbox."""
