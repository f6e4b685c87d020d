"""Merge the community (0002) and digest (0003) branches into one line of history

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-29 11:15:00
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | Sequence[str] | None = ("0002", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # a merge point: no schema change


def downgrade() -> None:
    pass
