"""0031: follow-ups raised before answers were linked to them get their delivery's answer."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from storage.engine import create_db_engine
from storage.migrate import upgrade
from storage.models import FollowUp

_ROWS = (
    "INSERT INTO workspace (team_id, name, created_at) VALUES ('T1', 't', '2026-11-01 00:00:00')",
    "INSERT INTO respondent (id, team_id, user_id, attributes, opted_out, deactivated, "
    "created_at) VALUES (1, 'T1', 'U1', '{}', false, false, '2026-11-01 00:00:00'), "
    "(2, 'T1', 'U2', '{}', false, false, '2026-11-01 00:00:00')",
    "INSERT INTO pulse (id, team_id, name, metric, question, follow_up, audience, post_channel, "
    "status, timezone, min_interval_days, anonymous, close_after_days, created_at) VALUES "
    "(1, 'T1', 'both', 'both', 'q', 'f', '[]', NULL, 'active', 'UTC', 0, false, 7, "
    "'2026-11-01 00:00:00')",
    "INSERT INTO wave (id, pulse_id, scheduled_for, created_at) VALUES "
    "(1, 1, '2026-11-02 09:00:00', '2026-11-02 09:00:00')",
    "INSERT INTO delivery (id, wave_id, respondent_id, status, attempts, next_attempt_at, "
    "sent_at, answered_at, reminder) VALUES "
    "(1, 1, 1, 'sent', 1, '2026-11-02 09:00:00', '2026-11-02 09:00:01', "
    "'2026-11-02 10:00:00', 'none'), "
    "(2, 1, 2, 'sent', 1, '2026-11-02 09:00:00', '2026-11-02 09:00:01', "
    "'2026-11-02 10:00:00', 'none')",
    # Delivery 1 answered both metrics; delivery 2 only NPS.
    "INSERT INTO response (id, delivery_id, wave_id, respondent_id, team_id, metric, score, "
    "action_ts, answered_at) VALUES "
    "(10, 1, 1, 1, 'T1', 'nps', 2, '1.000000', '2026-11-02 10:00:00'), "
    "(11, 1, 1, 1, 'T1', 'csat', 1, '1.000001', '2026-11-02 10:00:00'), "
    "(12, 2, 1, 2, 'T1', 'nps', 8, '1.000002', '2026-11-02 10:00:00')",
    # One raised by delivery 1's CSAT answer; one raised on delivery 2 by a CSAT comment it no
    # longer has (nothing to link); one whose delivery was purged.
    "INSERT INTO follow_up (id, team_id, delivery_id, respondent_id, metric, raised_score, "
    "score, raised_at, revision, alert_revision, touched_at) VALUES "
    "(1, 'T1', 1, 1, 'csat', 1, 1, '2026-11-02 10:00:00', 1, 1, '2026-11-02 10:00:00'), "
    "(2, 'T1', 2, 2, 'csat', 2, 2, '2026-11-02 10:00:00', 1, 1, '2026-11-02 10:00:00'), "
    "(3, 'T1', NULL, 1, 'nps', 2, 2, '2026-11-02 10:00:00', 1, 1, '2026-11-02 10:00:00')",
)


def test_old_follow_ups_are_linked_to_their_deliverys_answer_of_their_metric(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    try:
        upgrade(engine, "0030_senders")
        with engine.begin() as connection:
            for statement in _ROWS:
                connection.execute(text(statement))

        upgrade(engine)

        with Session(engine) as session:
            linked = session.exec(
                select(FollowUp.id, FollowUp.response_id).order_by(col(FollowUp.id))
            ).all()
        assert [tuple(row) for row in linked] == [(1, 11), (2, None), (3, None)]
    finally:
        engine.dispose()
