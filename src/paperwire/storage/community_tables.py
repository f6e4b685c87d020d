"""Community tables: accounts, sessions, tokens, rate limits, votes, comments, submissions, moderation.

Secrets (session ids, API tokens, e-mailed link tokens) are stored as SHA-256 hashes only.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from paperwire.storage.tables import METADATA

users = Table(
    "users",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),  # lower-cased
    Column("email_verified", Boolean, nullable=False, default=False),
    Column("password_hash", String(255), nullable=False),
    Column("display_name", String(64), nullable=False),
    Column("display_name_key", String(200), nullable=False, unique=True),  # domain.names.name_key
    Column("bio", Text, nullable=False, default=""),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("is_banned", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

user_sessions = Table(
    "user_sessions",
    METADATA,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
)

# Single-use links sent by e-mail: verify-email, reset-password, change-email.
account_tokens = Table(
    "account_tokens",
    METADATA,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(32), nullable=False),
    Column("data", String(320), nullable=False, default=""),  # the new address for change-email
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

rate_limits = Table(
    "rate_limits",
    METADATA,
    Column("key", String(200), primary_key=True),
    Column("window_start", BigInteger, primary_key=True),  # unix seconds, a multiple of the window
    Column("count", Integer, nullable=False),
)

votes = Table(
    "votes",
    METADATA,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("counted", Boolean, nullable=False, default=True),  # false while the voter is banned
    Column("weighted", Boolean, nullable=False, default=True),  # false: account too young for trending
    Index("ix_votes_paper_created", "paper_id", "created_at"),
)

comments = Table(
    "comments",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), nullable=False, index=True),
    # NULL once the author deleted the account: the comment reads "[deleted]" and its replies stay
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("parent_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("body_md", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("upvotes", Integer, nullable=False, default=0),
    Column("downvotes", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=True),
    Column("deleted_at", DateTime(timezone=True), nullable=True),
    Column("hidden_at", DateTime(timezone=True), nullable=True),
)

comment_votes = Table(
    "comment_votes",
    METADATA,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("value", Integer, nullable=False),  # +1 or -1
)

submissions = Table(
    "submissions",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("submitted_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("comment", Text, nullable=True),  # the submitter's note, shown on the paper page
    UniqueConstraint("paper_id", name="uq_submissions_paper_id"),
)

hidden_papers = Table(
    "hidden_papers",
    METADATA,
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("hidden_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("hidden_at", DateTime(timezone=True), nullable=False),
)

reports = Table(
    "reports",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("reporter_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("target_kind", String(16), nullable=False),  # paper | comment
    Column("target_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True), nullable=True, index=True),
)

# A user's claim to be one of a paper's authors; an admin approves (status 'claimed') or rejects it.
author_claims = Table(
    "author_claims",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, ForeignKey("authors.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),  # pending | claimed | rejected
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    UniqueConstraint("paper_id", "author_id", name="uq_author_claims_paper_author"),
)
