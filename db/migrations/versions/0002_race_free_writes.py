"""race-free writes: a code counter, one pending extension per task, version columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 17:30:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("state = 'pending'")


def upgrade() -> None:
    counters = op.create_table(
        "code_counters",
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_code_counters")),
    )
    # The counter starts after the highest DB-N code already handed out.
    connection = op.get_bind()
    codes = connection.execute(sa.text("SELECT code FROM tasks WHERE code LIKE 'DB-%'")).scalars()
    numbers = [int(m[1]) for code in codes if (m := re.fullmatch(r"DB-(\d{1,12})", code))]
    op.bulk_insert(counters, [{"name": "task", "value": max(numbers, default=0)}])

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    # Two requests may already wait on one task (the old check raced): keep the latest.
    op.execute(
        "UPDATE extension_requests SET state = 'denied', "
        "decision_note = '系统整理：同一事项重复的待审批申请，以最新一条为准' "
        "WHERE state = 'pending' AND id NOT IN "
        "(SELECT max(id) FROM extension_requests WHERE state = 'pending' GROUP BY task_id)"
    )
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.create_index(
            "uq_extension_requests_pending",
            ["task_id"],
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_extension_requests_pending")
        batch_op.drop_column("version")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("version")
    op.drop_table("code_counters")
