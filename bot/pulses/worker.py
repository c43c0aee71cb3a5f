"""The background half of `run`: every replica delivers; the leader schedules, reminds, closes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.digests.poster import post_due_digests
from bot.followups.alerts import sweep_follow_ups
from bot.installations import WorkspaceClient, workspace_clients
from bot.pulses.dispatch import deliver_due
from bot.pulses.leadership import Leadership
from bot.pulses.lifecycle import run_lifecycle
from bot.pulses.scheduler import PulseScheduler
from bot.pulses.waves import open_due_waves
from bot.retention import purge_old_comments
from bot.services import Services

logger = logging.getLogger(__name__)

# Retention is counted in days: an hourly sweep is exact enough and costs one UPDATE an hour.
RETENTION_EVERY = timedelta(hours=1)


class PulseWorker:
    def __init__(
        self,
        services: Services,
        client: WebClient,
        *,
        interval: float = 5.0,
        scheduler_name: str = "engagement",
    ) -> None:
        self._services = services
        self._client = client
        self._interval = interval
        self._scheduler_name = scheduler_name
        self._leadership = Leadership(services.engine)
        self._scheduler: PulseScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_retention: datetime | None = None

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None

    def run_once(self) -> None:
        """One cycle; safe to run on any number of replicas at once."""
        # With OAuth, each installed workspace with its own token; otherwise the one bot token.
        workspaces = workspace_clients(self._services, self._client)
        if self._leadership.try_acquire():
            self._lead(workspaces)
        elif self._scheduler is not None:
            logger.warning("scheduler leadership lost; stopping the scheduler here")
            self._scheduler.shutdown()
            self._scheduler = None
        for workspace in workspaces:
            with _contained(workspace, "delivering"):
                deliver_due(self._services, workspace.client, team_id=workspace.team_id)

    def _open_waves(self, pulse_id: int) -> None:
        """A pulse's cron fire: open its wave with its own workspace's client."""
        for workspace in workspace_clients(self._services, self._client):
            open_due_waves(self._services, workspace.client, pulse_id=pulse_id,
                           team_id=workspace.team_id)

    def _lead(self, workspaces: list[WorkspaceClient]) -> None:
        if self._scheduler is None:
            self._scheduler = PulseScheduler(
                self._services, self._open_waves, name=self._scheduler_name
            )
            self._scheduler.start()
        else:
            self._scheduler.sync()
        services = self._services
        for workspace in workspaces:
            client, team_id = workspace.client, workspace.team_id
            with _contained(workspace, "scheduling"):
                # The cron jobs fire on time; this sweep is the safety net for a fire that fell
                # between two leaders. Waves are unique per scheduled time: finding it twice is
                # harmless.
                open_due_waves(services, client, team_id=team_id)
                run_lifecycle(services, client, team_id=team_id)
                post_due_digests(services, client, team_id=team_id)
                # Alerts whose post failed or fell behind their row, and follow-up reminders.
                sweep_follow_ups(services, client, team_id=team_id)
        self._maintain()

    def _maintain(self) -> None:
        """Housekeeping that only the leader does, at most once per RETENTION_EVERY."""
        now = self._services.clock()
        if self._next_retention is not None and now < self._next_retention:
            return
        purge_old_comments(self._services)
        self._next_retention = now + RETENTION_EVERY

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="pulse-worker", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            # One bad cycle (a database restart, a Slack outage) must not end the loop.
            except Exception:
                logger.exception("pulse worker cycle failed; retrying in %.0f s", self._interval)
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None
        self._leadership.release()


@contextmanager
def _contained(workspace: WorkspaceClient, doing: str) -> Iterator[None]:
    """One workspace's failure (a revoked token, a bug on its data) must not stop the others';
    with a single bot token it ends the cycle, as before, and the loop logs it."""
    if workspace.team_id is None:
        yield
        return
    try:
        yield
    except Exception:  # logged with its traceback; the next cycle tries this workspace again
        logger.exception("%s for team %s failed; the other workspaces go on", doing,
                         workspace.team_id)
