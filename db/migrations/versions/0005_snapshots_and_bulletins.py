"""unit snapshots (per-unit counts per day) and bulletins (week → issue number)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:49:20.687125
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
        sa.UniqueConstraint("number", name=op.f("uq_bulletins_number")),
        sa.UniqueConstraint("week", name=op.f("uq_bulletins_week")),
    )
    op.create_table(
        "unit_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("red", sa.Integer(), nullable=False),
        sa.Column("yellow", sa.Integer(), nullable=False),
        sa.Column("green", sa.Integer(), nullable=False),
        sa.Column("reported_done", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_unit_snapshots_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_snapshots")),
        sa.UniqueConstraint("day", "unit_id", name="uq_unit_snapshots_day_unit"),
    )
    with op.batch_alter_table("unit_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_snapshots_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_snapshots_day"))

    op.drop_table("unit_snapshots")
    op.drop_table("bulletins")
