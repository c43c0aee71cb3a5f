"""anonymity: an anonymous pulse's deliveries say that they were answered, never when

Revision ID: 0023_anonymity
Revises: 0022_tokens
Create Date: 2026-12-09 10:00:00

A delivery of an anonymous pulse used to carry the day of its answer in answered_at; joined
with the answers' own day by wave, that named anyone who answered alone on a day. From now on
every answered delivery of such a wave holds the same mark, the day of the wave's scheduled time
(storage.answered_mark), and so does the sent time of the delivery a first click on an anonymous
channel post creates. Existing rows are given the same marks here. Response rates and reminders
only ask whether answered_at is set, so their figures do not move. The downgrade leaves the
marks: the day each answer came cannot be recovered, and is not needed by the older code.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0023_anonymity'
down_revision: str | None = '0022_tokens'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_pulse = sa.table('pulse', sa.column('id', sa.Integer()), sa.column('anonymous', sa.Boolean()),
                  sa.column('post_channel', sa.String()))
_wave = sa.table('wave', sa.column('id', sa.Integer()), sa.column('pulse_id', sa.Integer()),
                 sa.column('scheduled_for', storage.types.UTCDateTime()))
_delivery = sa.table('delivery', sa.column('id', sa.Integer()), sa.column('wave_id', sa.Integer()),
                     sa.column('answered_at', storage.types.UTCDateTime()),
                     sa.column('sent_at', storage.types.UTCDateTime()),
                     sa.column('next_attempt_at', storage.types.UTCDateTime()),
                     sa.column('post_delivery_id', sa.Integer()))


def upgrade() -> None:
    connection = op.get_bind()
    waves = connection.execute(
        sa.select(_wave.c.id, _wave.c.scheduled_for)
        .join(_pulse, _pulse.c.id == _wave.c.pulse_id)
        .where(_pulse.c.anonymous == sa.true())
    ).all()
    for wave_id, scheduled_for in waves:
        mark = scheduled_for.replace(hour=0, minute=0, second=0, microsecond=0)
        connection.execute(
            sa.update(_delivery)
            .where(_delivery.c.wave_id == wave_id, _delivery.c.answered_at.is_not(None))
            .values(answered_at=mark)
        )
        # Someone's delivery of a channel post is made by their first click: its sent time was
        # that click's. Channel posts count in no response rate, so no rollup moves.
        connection.execute(
            sa.update(_delivery)
            .where(_delivery.c.wave_id == wave_id, _delivery.c.post_delivery_id.is_not(None))
            .values(sent_at=mark, next_attempt_at=mark)
        )


def downgrade() -> None:
    pass
