"""APScheduler 3 on the project's database: one persistent cron job per scheduled pulse.

The job store keeps schedules across restarts; the jobs only say "this pulse may be due". What
is due, and the wave it opens, is decided from the database (bot.pulses.waves.open_due_waves),
so a repeated, late or coalesced fire can never open two waves for one scheduled time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.core.services import Services
from bot.pulses.schedule import MISFIRE_GRACE, InvalidSchedule, trigger_for
from storage.engine import session_scope
from storage.pulses import scheduled_pulses

logger = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
JOB_PREFIX = "pulse:"

# APScheduler stores a job as a textual reference to a module-level function plus plain
# arguments, so a job cannot carry our Services. The running scheduler registers the function
# that opens waves here, under its name; the jobs carry only that name and a pulse id.
_openers: dict[str, Callable[[int], object]] = {}


def fire_pulse(scheduler_name: str, pulse_id: int) -> None:
    opener = _openers.get(scheduler_name)
    if opener is None:
        logger.warning("pulse %s fired with no running scheduler %r", pulse_id, scheduler_name)
        return
    opener(pulse_id)


class PulseScheduler:
    def __init__(
        self,
        services: Services,
        open_waves: Callable[[int], object],
        *,
        name: str = "engagement",
    ) -> None:
        self.name = name
        self._services = services
        self._open_waves = open_waves
        self._scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=services.engine, tablename=JOB_TABLE)},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "max_instances": 1,
            },
            timezone="UTC",
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        _openers[self.name] = self._open_waves
        self._scheduler.start()
        self.sync()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        _openers.pop(self.name, None)

    def job_ids(self) -> set[str]:
        return {job.id for job in self._scheduler.get_jobs()}

    def sync(self) -> None:
        """Make the jobs match the active scheduled pulses (edits come from any process)."""
        with session_scope(self._services.engine) as session:
            pulses = {f"{JOB_PREFIX}{p.id}": p for p in scheduled_pulses(session=session)}
        for job in self._scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in pulses:
                job.remove()
        for job_id, pulse in pulses.items():
            try:
                trigger = trigger_for(pulse.schedule or "", pulse.timezone)
            except InvalidSchedule:
                logger.warning("pulse %s has an unusable schedule; not scheduled", pulse.id)
                continue
            existing = self._scheduler.get_job(job_id)
            # Re-adding an unchanged job would recompute its next run from now and could skip
            # a fire that is due this very second; only a changed schedule replaces the job.
            if existing is not None and str(existing.trigger) == str(trigger):
                continue
            self._scheduler.add_job(
                "bot.pulses.scheduler:fire_pulse",
                trigger=trigger,
                args=[self.name, pulse.id],
                id=job_id,
                name=f"pulse {pulse.name}",
                replace_existing=True,
            )

    def run_now(self, pulse_id: int) -> None:
        """Fire a pulse's job at once (used by tests and `pulse send --scheduled`)."""
        from datetime import UTC, datetime

        job = self._scheduler.get_job(f"{JOB_PREFIX}{pulse_id}")
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC))
