"""import pulse: where an imported answer came from

Revision ID: 0027_import_pulse
Revises: 0026_outcomes
Create Date: 2026-12-14 10:00:00

`responses import` reads an optional `pulse` column: the survey an answer was given to in the
tool it comes from. It names no pulse of ours (an imported answer has no wave), so it is kept
as text beside the answer, for the export. Existing rows need no change: the column is nullable.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0027_import_pulse'
down_revision: str | None = '0026_outcomes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response') as batch_op:
        batch_op.add_column(sa.Column('import_pulse', sqlmodel.sql.sqltypes.AutoString(length=80),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('response') as batch_op:
        batch_op.drop_column('import_pulse')
