"""duty rosters (a version per submission) and their shifts; outbox kinds open-ended

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:58:09.267223
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


KINDS_0004 = "kind IN ('reminder', 'escalation', 'digest')"


def upgrade() -> None:
    # Outbox kinds grow with each step (bulletins now, duty prompts next): no CHECK.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind_allowed"), type_="check")
    op.create_table(
        "duty_rosters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_duty_rosters_submitted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_duty_rosters_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_rosters")),
    )
    with op.batch_alter_table("duty_rosters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_rosters_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            "uq_duty_rosters_current",
            ["unit_id", "first_day"],
            unique=True,
            sqlite_where=sa.text("current"),
            postgresql_where=sa.text("current"),
        )

    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("post", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "post IN ('leader', 'officer')", name=op.f("ck_duty_shifts_post_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["duty_rosters.id"],
            name=op.f("fk_duty_shifts_roster_id_duty_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_shifts")),
    )
    with op.batch_alter_table("duty_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_shifts_roster_id"), ["roster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duty_shifts_starts_at"), ["starts_at"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind NOT IN ('reminder', 'escalation', 'digest')")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_outbox_kind_allowed"), KINDS_0004)
    with op.batch_alter_table("duty_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_shifts_starts_at"))
        batch_op.drop_index(batch_op.f("ix_duty_shifts_roster_id"))

    op.drop_table("duty_shifts")
    with op.batch_alter_table("duty_rosters", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_duty_rosters_current",
            sqlite_where=sa.text("current"),
            postgresql_where=sa.text("current"),
        )
        batch_op.drop_index(batch_op.f("ix_duty_rosters_unit_id"))

    op.drop_table("duty_rosters")
