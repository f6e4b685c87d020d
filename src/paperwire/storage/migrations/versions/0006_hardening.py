"""Hardening: comments outlive their author's account, unique display names, shared request slots

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paperwire.storage.users import refill_name_keys

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_comments_user_id_users", type_="foreignkey")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name_key", sa.String(length=200), nullable=True))
    refill_name_keys(op.get_bind())  # existing accounts get their key; later collisions get their id
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("display_name_key", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_users_display_name_key"), ["display_name_key"])
    op.create_table(
        "request_slots",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_request_slots")),
    )


def downgrade() -> None:
    op.drop_table("request_slots")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_display_name_key"), type_="unique")
        batch_op.drop_column("display_name_key")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_comments_user_id_users", type_="foreignkey")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_user_id_users"), "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
