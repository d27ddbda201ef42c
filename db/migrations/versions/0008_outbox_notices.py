"""outbox: notices to other chats, a row's reply kind, and the duty check a prompt asks

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("duty_check_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_duty_check_id_duty_checks"),
            "duty_checks",
            ["duty_check_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Prompts planned before this revision named their check only in the key ("dp:" + key).
    op.execute(
        "UPDATE outbox SET duty_check_id = "
        "(SELECT duty_checks.id FROM duty_checks WHERE 'dp:' || duty_checks.key = outbox.key) "
        "WHERE kind = 'duty_prompt'"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_duty_check_id_duty_checks"), type_="foreignkey"
        )
        batch_op.drop_column("duty_check_id")
        batch_op.drop_column("reply_kind")
