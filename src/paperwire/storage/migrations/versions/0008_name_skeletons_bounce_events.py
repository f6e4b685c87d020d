"""Display-name keys follow Unicode's whole confusables table (UTS #39 skeleton), not a hand-picked subset
of Cyrillic and Greek look-alikes: every account's key is recomputed. Bounce events already applied are
remembered (bounce_events_seen), so a report read twice does not count its soft bounces twice

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paperwire.storage.users import refill_name_keys

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refill_name_keys(op.get_bind())
    op.create_table(
        "bounce_events_seen",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_bounce_events_seen")),
    )


def downgrade() -> None:
    op.drop_table("bounce_events_seen")
    # the name keys stay: they are derived from names, and the code of every revision recomputes a changed one
