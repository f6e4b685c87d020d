"""The researcher's own layer: follows, the library (saved papers with a note), collections, "Not
relevant" feedback and the private feed token of For You. Every row belongs to one user and goes with
the account (ON DELETE CASCADE)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from paperwire.storage.tables import METADATA


def _user_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


def _paper_fk() -> ForeignKey:
    return ForeignKey("papers.id", ondelete="CASCADE")


# kind: author (target = domain.names.name_key of the name) | category (cs.LG) | search (the query text)
follows = Table(
    "follows",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, _user_fk(), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("target", String(300), nullable=False),
    Column("label", String(300), nullable=False),  # as the user saw it: "Jun Suzuki", "cs.LG", the query
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "kind", "target", name="uq_follows_user_kind_target"),
)

library_items = Table(
    "library_items",
    METADATA,
    Column("user_id", Integer, _user_fk(), primary_key=True),
    Column("paper_id", String(64), _paper_fk(), primary_key=True),
    Column("note", Text, nullable=False, default=""),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

collections = Table(
    "collections",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, _user_fk(), nullable=False),
    Column("name", String(100), nullable=False),
    Column("is_public", Boolean, nullable=False, default=False),
    Column("public_id", String(32), nullable=False, unique=True),  # random, stable: /c/{public_id}
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "name", name="uq_collections_user_name"),
)

collection_items = Table(
    "collection_items",
    METADATA,
    Column("collection_id", Integer, ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("paper_id", String(64), _paper_fk(), primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

# "Not relevant" clicks: the negatives of For You.
feedback = Table(
    "feedback",
    METADATA,
    Column("user_id", Integer, _user_fk(), primary_key=True),
    Column("paper_id", String(64), _paper_fk(), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The secret of the private For You Atom feed, stored as a SHA-256 hash like every other secret.
feed_tokens = Table(
    "feed_tokens",
    METADATA,
    Column("user_id", Integer, _user_fk(), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
