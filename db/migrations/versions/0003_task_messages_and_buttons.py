"""task messages (what a reply is about), buttons kept on the server, evidence size, invited names

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 17:03:53.673138
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "button_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_button_refs_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_button_refs_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_button_refs")),
        sa.UniqueConstraint("token", name=op.f("uq_button_refs_token")),
    )
    with op.batch_alter_table("button_refs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_button_refs_task_id"), ["task_id"], unique=False)

    op.create_table(
        "task_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('card', 'reminder', 'digest', 'extension', 'return', 'new_task')",
            name=op.f("ck_task_messages_kind_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_messages_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_messages")),
        sa.UniqueConstraint(
            "channel", "chat_id", "message_id", "task_id", name="uq_task_messages_message_task"
        ),
    )
    with op.batch_alter_table("task_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_messages_task_id"), ["task_id"], unique=False)

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_size", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("name")

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("file_size")

    with op.batch_alter_table("task_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_messages_task_id"))

    op.drop_table("task_messages")
    with op.batch_alter_table("button_refs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_button_refs_task_id"))

    op.drop_table("button_refs")
