"""bulletin issue numbers per year: a year column, (year, number) unique instead of number

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
    # The week is "2026-W47": its first four characters are the ISO year.
    op.execute("UPDATE bulletins SET year = CAST(SUBSTR(week, 1, 4) AS INTEGER)")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_bulletins_number", type_="unique")
        batch_op.create_unique_constraint("uq_bulletins_year_number", ["year", "number"])


def downgrade() -> None:
    # Numbers were per year; a global unique number may not hold for them: renumber in week order.
    connection = op.get_bind()
    weeks = connection.execute(sa.text("SELECT id FROM bulletins ORDER BY week")).scalars().all()
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_constraint("uq_bulletins_year_number", type_="unique")
    for number, row_id in enumerate(weeks, start=1):
        connection.execute(
            sa.text("UPDATE bulletins SET number = :n WHERE id = :id"), {"n": number, "id": row_id}
        )
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_bulletins_number", ["number"])
        batch_op.drop_column("year")
