"""The Home a person sees: the staff dashboard, or a customer's own surveys and their switch."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.core.periods import PeriodSpec
from bot.core.services import Services
from bot.home.blocks import customer_home_view, staff_home_view
from bot.home.dashboard import customer_surveys, staff_dashboard
from bot.privacy.consent import is_opted_out
from bot.reporting.answers import engagement_map_for, outcomes_for
from bot.reporting.grammar import OUTCOMES_DAYS
from bot.reporting.snapshots import answer_from_snapshot, themes_from, themes_key
from bot.workspaces.access import Access
from storage.engine import session_scope

logger = logging.getLogger(__name__)


def home_for(services: Services, *, team_id: str, user_id: str, access: Access) -> View:
    """Staff get the dashboard; anyone else (a customer, a guest, someone never surveyed) the
    customer Home: their own surveys, if any, and the switch. Never a figure."""
    if not access.staff:
        with session_scope(services.engine) as session:
            surveys = customer_surveys(session, team_id=team_id, user_id=user_id)
        return customer_home_view(
            opted_out=is_opted_out(services, team_id=team_id, user_id=user_id), surveys=surveys
        )
    with session_scope(services.engine) as session:
        spec = PeriodSpec()
        engagement = engagement_map_for(services, session, team_id, spec)
        themes = answer_from_snapshot(services, session, themes_key(team_id, spec), spec)
        dashboard = staff_dashboard(session, team_id=team_id, now=services.clock(),
                                    engagement=engagement,
                                    themes=themes_from(themes.payload, themes.period),
                                    anonymity_minimum=services.settings.anonymity_minimum,
                                    outcomes=outcomes_for(services, session, team_id,
                                                          PeriodSpec(days=OUTCOMES_DAYS)),
                                    drift_days=services.settings.drift_period_days)
    return staff_home_view(dashboard, admin=access.admin)


def publish_home(client: WebClient, *, user_id: str, view: View) -> None:
    """Show `view` as user_id's Home; Slack refusing an unknown user is logged, not raised."""
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as refused:
        logger.warning("App Home not published for %r: %s", user_id[:20],
                       refused.response.get("error"))
