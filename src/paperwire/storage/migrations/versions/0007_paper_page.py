"""Hugging Face parity and the rich paper page: imported submitters and comment counts, real
timestamps, project page and GitHub repository (with a star cache), submission comments, locally
computed keywords and summaries, and authorship claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _paper_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("imported_submitter", sa.JSON(), nullable=True),
        sa.Column("imported_comments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("github_repo", sa.String(length=512), nullable=True),
        sa.Column("project_page", sa.String(length=512), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ai_keywords", sa.JSON(), nullable=True),
        sa.Column("ai_summary", sa.Text(), nullable=True),
        sa.Column("ai_hash", sa.String(length=32), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        for column in _paper_columns():
            batch_op.add_column(column)
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
    op.create_table(
        "github_repos",
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("full_name", name=op.f("pk_github_repos")),
    )
    op.create_table(
        "author_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.String(length=64), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_author_claims_paper_id_papers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name=op.f("fk_author_claims_author_id_authors")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_author_claims_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_author_claims_decided_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author_claims")),
        sa.UniqueConstraint("paper_id", "author_id", name="uq_author_claims_paper_author"),
    )
    with op.batch_alter_table("author_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_author_claims_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_author_claims_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("author_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_author_claims_status"))
        batch_op.drop_index(batch_op.f("ix_author_claims_user_id"))
    op.drop_table("author_claims")
    op.drop_table("github_repos")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("comment")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        for column in reversed(_paper_columns()):
            batch_op.drop_column(column.name)
