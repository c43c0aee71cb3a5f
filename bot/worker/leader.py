"""The background half of `run`: every replica delivers; the leader schedules, reminds, closes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.services import Services
from bot.digests.poster import post_due_digests
from bot.followups.alerts import sweep_follow_ups
from bot.privacy.retention import purge_old_comments
from bot.pulses.dispatch import deliver_due
from bot.pulses.lifecycle import run_lifecycle
from bot.pulses.scheduler import PulseScheduler
from bot.pulses.senders import SenderLease
from bot.pulses.waves import open_due_waves
from bot.reporting.drift.alerts import check_drift, settle_drift_alerts
from bot.reporting.snapshots import refresh_snapshots
from bot.slack.tokens import refused_token_error
from bot.worker.leadership import Leadership
from bot.workspaces.installations import WorkspaceClient, workspace_clients
from bot.workspaces.token_refusals import standing_refusal, stop_sending
from storage.counter_shards import fold_counter_shards
from storage.engine import database_unavailable, outage_reason

logger = logging.getLogger(__name__)

# Retention is counted in days: an hourly sweep is exact enough and costs one UPDATE an hour.
RETENTION_EVERY = timedelta(hours=1)
# Drift compares windows of days: an hourly look notices a fall within the hour it crosses the
# margin, and each look is counted in the false-alarm share (bot.insights.drift).
DRIFT_EVERY = timedelta(hours=1)


class PulseWorker:
    """Two loops: leadership and the leader's duties, and delivery.

    They are apart so that neither waits on the other: a replica busy sending a 5,000-person
    wave still notices within one interval that the leader died and takes over, and a leader
    still opens waves and closes them while its own senders are busy.
    """

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
        # This replica as a sender: registered on its first delivery cycle, beaten until stop.
        self._sender = SenderLease(services)
        self._scheduler: PulseScheduler | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._next_retention: datetime | None = None
        self._next_drift: dict[str | None, datetime] = {}  # by workspace
        self._outage_lock = threading.Lock()
        self._outage_since: float | None = None  # monotonic time the database went away

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None

    def run_once(self) -> None:
        """One cycle of both loops; safe to run on any number of replicas at once."""
        self.lead_once()
        self.deliver_once()

    def lead_once(self) -> None:
        try:
            leading = self._leadership.try_acquire()
        except Exception:
            # Unsure whether we still hold the lock (its connection may be gone with the
            # database): stop scheduling here, so two schedulers never run at once.
            self._step_down()
            raise
        self._database_answered()
        if leading:
            # With OAuth, each installed workspace with its own token; else the one bot token.
            self._lead(workspace_clients(self._services, self._client))
        else:
            self._step_down()

    def deliver_once(self) -> None:
        self._sender.start()
        for workspace in workspace_clients(self._services, self._client):
            with _contained(self._services, workspace, "delivering"):
                # A workspace whose token Slack refused is skipped inside, without a call.
                summary = deliver_due(self._services, workspace.client,
                                      team_id=workspace.team_id, lease=self._sender)
                self._database_answered()
                if summary.sent or summary.failed or summary.reconciled:
                    logger.info("sent %d pulse messages (%d to retry, %d failed, %d settled "
                                "from stopped senders)", summary.sent, summary.retrying,
                                sum(summary.failed.values()), summary.reconciled)

    def _open_waves(self, pulse_id: int) -> None:
        """A pulse's cron fire: open its wave with its own workspace's client."""
        for workspace in workspace_clients(self._services, self._client):
            open_due_waves(self._services, workspace.client, pulse_id=pulse_id,
                           team_id=workspace.team_id)

    def _step_down(self) -> None:
        if self._scheduler is not None:
            logger.warning("scheduler leadership lost; stopping the scheduler here")
            self._scheduler.shutdown()
            self._scheduler = None

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
            with _contained(services, workspace, "scheduling"):
                if standing_refusal(services, client, team_id=team_id) is not None:
                    continue  # Slack refused its token: nothing to do there until one works
                # The cron jobs fire on time; this sweep is the safety net for a fire that fell
                # between two leaders. Waves are unique per scheduled time: finding it twice is
                # harmless.
                open_due_waves(services, client, team_id=team_id)
                run_lifecycle(services, client, team_id=team_id)
                post_due_digests(services, client, team_id=team_id)
                # Alerts whose post failed or fell behind their row, and follow-up reminders.
                sweep_follow_ups(services, client, team_id=team_id)
                # Last: at a million answers each costs about a second.
                refresh_snapshots(services, team_id=team_id)
            # Apart: a failing check must not hold back the duties above.
            with _contained(self._services, workspace, "checking drift"):
                self._check_drift(workspace)
        self._maintain()

    def _check_drift(self, workspace: WorkspaceClient) -> None:
        """Drift warnings whose poster died, every cycle; the check itself at most hourly per
        workspace (a new leader checks at once: the warning's row keeps it to one post)."""
        settle_drift_alerts(self._services, workspace.client, team_id=workspace.team_id)
        now = self._services.clock()
        due = self._next_drift.get(workspace.team_id)
        if due is not None and now < due:
            return
        # Set before the check: one that fails waits for the next hour, not the next cycle.
        self._next_drift[workspace.team_id] = now + DRIFT_EVERY
        check_drift(self._services, workspace.client, team_id=workspace.team_id)

    def _maintain(self) -> None:
        """Housekeeping that only the leader does, at most once per RETENTION_EVERY."""
        now = self._services.clock()
        if self._next_retention is not None and now < self._next_retention:
            return
        purge_old_comments(self._services)
        # Each past day's count back in one row: a year's report then reads a row per count,
        # not one per shard that clicks wrote to (storage.counter_shards).
        fold_counter_shards(self._services.engine, before=now.astimezone(UTC).date())
        self._next_retention = now + RETENTION_EVERY

    def start(self) -> None:
        for name, cycle in (("pulse-leader", self.lead_once),
                            ("pulse-delivery", self.deliver_once)):
            thread = threading.Thread(target=self._loop, args=(cycle,), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self, cycle: Callable[[], None]) -> None:
        while not self._stop.is_set():
            try:
                cycle()
            # One bad cycle (a database restart, a Slack outage) must not end the loop.
            except Exception as error:
                if not database_unavailable(error):
                    logger.exception("pulse worker cycle failed; retrying in %.0f s",
                                     self._interval)
                else:
                    self._database_unavailable(error)
            self._stop.wait(self._interval)

    def _database_unavailable(self, error: Exception) -> None:
        with self._outage_lock:
            if self._outage_since is not None:
                return  # once per outage, not a traceback every few seconds while it lasts
            self._outage_since = time.monotonic()
        logger.warning("database unavailable (%s); the worker retries every %.0f s",
                       outage_reason(error), self._interval)

    def _database_answered(self) -> None:
        with self._outage_lock:
            since, self._outage_since = self._outage_since, None
        if since is not None:
            logger.warning("database back after %.0f s; the worker carries on",
                           time.monotonic() - since)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None
        self._sender.stop()
        self._leadership.release()


@contextmanager
def _contained(services: Services, workspace: WorkspaceClient, doing: str) -> Iterator[None]:
    """One workspace's failure (a revoked token, a bug on its data) must not stop the others';
    with a single bot token it ends the cycle, as before, and the loop logs it. A database
    outage ends the cycle in every mode: it is every workspace's, and the loop logs it once.
    Slack refusing the token, met anywhere, stops that workspace's sending (said once)."""
    try:
        yield
    except SlackApiError as error:
        refused = refused_token_error(error)
        if refused is None:
            if workspace.team_id is None:
                raise
            logger.exception("%s for team %s failed; the other workspaces go on", doing,
                             workspace.team_id)
            return
        stop_sending(services, token=workspace.client.token, team_id=workspace.team_id,
                     error=refused)
    except Exception as error:  # logged with its traceback; the next cycle tries it again
        if workspace.team_id is None or database_unavailable(error):
            raise
        logger.exception("%s for team %s failed; the other workspaces go on", doing,
                         workspace.team_id)
