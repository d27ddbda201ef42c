"""the office's loop: 交办 (announced, sign due), 签收, 批示, edited messages, reply kinds

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'card', 'reminder', 'digest', 'extension', 'return', 'new_task'"
NEW_KINDS = "'announcement', 'denial'"


def upgrade() -> None:
    op.create_table(
        "task_instructions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_task_instructions_leader_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_instructions_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_instructions")),
    )
    with op.batch_alter_table("task_instructions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_instructions_task_created", ["task_id", "created_at"], unique=False
        )

    op.create_table(
        "task_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_task_signoffs_leader_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["people.id"], name=op.f("fk_task_signoffs_signed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_signoffs_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_task_signoffs_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_signoffs")),
        sa.UniqueConstraint("task_id", "leader_id", name="uq_task_signoffs_task_leader"),
        sa.UniqueConstraint("task_id", "unit_id", name="uq_task_signoffs_task_unit"),
    )
    with op.batch_alter_table("task_signoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_signoffs_task_id"), ["task_id"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_edit_of_id_outbox"),
            "outbox",
            ["edit_of_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announced_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("sign_due_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_announced_at"), ["announced_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_sign_due_at"), ["sign_due_at"], unique=False)
    # Tasks from before this revision were given out by other means: not announced again,
    # never chased for a signature.
    op.execute("UPDATE tasks SET announced_at = created_at")

    with op.batch_alter_table("task_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_task_messages_kind_allowed"), type_="check")
        batch_op.create_check_constraint("kind_allowed", f"kind IN ({KINDS}, {NEW_KINDS})")


def downgrade() -> None:
    op.execute(f"DELETE FROM task_messages WHERE kind IN ({NEW_KINDS})")
    with op.batch_alter_table("task_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_task_messages_kind_allowed"), type_="check")
        batch_op.create_check_constraint("kind_allowed", f"kind IN ({KINDS})")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_sign_due_at"))
        batch_op.drop_index(batch_op.f("ix_tasks_announced_at"))
        batch_op.drop_column("sign_due_at")
        batch_op.drop_column("announced_at")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_edit_of_id_outbox"), type_="foreignkey")
        batch_op.drop_column("edit_of_id")

    with op.batch_alter_table("task_signoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_signoffs_task_id"))
    op.drop_table("task_signoffs")

    with op.batch_alter_table("task_instructions", schema=None) as batch_op:
        batch_op.drop_index("ix_task_instructions_task_created")
    op.drop_table("task_instructions")
