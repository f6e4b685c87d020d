"""Subscribers: a single-use confirmation nonce, and a soft-bounce score

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_nonce", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("soft_bounces", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("soft_bounce_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("soft_bounce_since")
        batch_op.drop_column("soft_bounces")
        batch_op.drop_column("confirm_nonce")
