"""Pulses: defining them, opening waves and delivering them through the outbox.

Public surface:
- `definition.define_pulse`, `form` (the New-pulse modal), `commands.run_pulse_command`.
- `audience`: who a pulse asks (users, user groups, channels, imported segments).
- `waves.open_pulse_wave`/`open_due_waves`: one wave per pulse and time, expanded into deliveries.
- `dispatch.deliver_due`: claims due deliveries and posts them, paced at a rate every replica
  shares (`post_rate.shared_pacer`); `senders.SenderLease`: a
  sending process's heartbeat, and when a sender counts as stopped; `reconcile` frees or settles
  what a stopped sender left; `sending.send_wave`: `pulse send`; `status.wave_status`: counts,
  who holds what, when it moves; `lifecycle.run_lifecycle`: reminders and closing.
- `schedule`, `scheduler.PulseScheduler`: cron triggers with time zones.
- `blocks` (the pulse message), `admin_blocks`, `listeners.register` (New-pulse button, modal).
"""
