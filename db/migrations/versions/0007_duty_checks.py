"""duty checks: shift confirmations and spot checks with their answers and escalations

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:27:03.537645
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duty_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("post", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("leader_told_at", sa.DateTime(), nullable=True),
        sa.Column("office_told_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('arrival', 'spot')", name=op.f("ck_duty_checks_kind_allowed")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["people.id"], name=op.f("fk_duty_checks_answered_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_duty_checks_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_duty_checks_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_checks")),
        sa.UniqueConstraint("key", name=op.f("uq_duty_checks_key")),
    )
    with op.batch_alter_table("duty_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_checks_day"), ["day"], unique=False)
        batch_op.create_index("ix_duty_checks_message", ["chat_id", "message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_checks_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("duty_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_checks_unit_id"))
        batch_op.drop_index("ix_duty_checks_message")
        batch_op.drop_index(batch_op.f("ix_duty_checks_day"))

    op.drop_table("duty_checks")
