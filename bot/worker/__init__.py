"""The background runtime: the leader's jobs and every replica's delivery loop.

Public surface: `leader.PulseWorker` (start/stop; schedules waves, reminders, digests, alerts,
snapshots and retention while it holds leadership), `leadership.Leadership` (the lock).
"""
