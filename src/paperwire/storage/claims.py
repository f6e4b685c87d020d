"""Authorship claims: a user says they are one of a paper's authors; an admin approves or rejects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from paperwire.storage.community_tables import author_claims, users
from paperwire.storage.db import next_seq
from paperwire.storage.papers import chunked, insert_ignore
from paperwire.storage.tables import authors, paper_authors

CLAIMED = "claimed"
PENDING = "pending"
REJECTED = "rejected"


def author_of_paper(conn: Connection, paper_id: str, name: str) -> int | None:
    """The author id of `name` on this paper, or None when the paper has no such author."""
    query = (
        select(authors.c.id)
        .join(paper_authors, paper_authors.c.author_id == authors.c.id)
        .where(paper_authors.c.paper_id == paper_id, authors.c.name == name)
    )
    return conn.execute(query).scalar()


def add_claim(conn: Connection, paper_id: str, author_id: int, user_id: int, now: datetime) -> bool:
    """False when this author of this paper is already claimed or pending (by anyone)."""
    values = {"paper_id": paper_id, "author_id": author_id, "user_id": user_id, "status": PENDING, "created_at": now}
    return (
        conn.execute(insert_ignore(conn, author_claims).values(**values).returning(author_claims.c.id)).first()
        is not None
    )


def get_claim(conn: Connection, claim_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(author_claims).where(author_claims.c.id == claim_id)).mappings().first()
    return dict(row) if row else None


def decide(conn: Connection, claim_id: int, status: str, admin_id: int, now: datetime) -> None:
    next_seq(conn, "moderation")  # pages that show the claim change
    values = {"status": status, "decided_at": now, "decided_by": admin_id}
    conn.execute(update(author_claims).where(author_claims.c.id == claim_id).values(**values))


def _claims_query() -> Any:
    return (
        select(
            author_claims.c.id,
            author_claims.c.paper_id,
            author_claims.c.status,
            author_claims.c.created_at,
            author_claims.c.decided_at,
            author_claims.c.user_id,
            users.c.display_name,
            authors.c.name.label("author"),
        )
        .join(users, users.c.id == author_claims.c.user_id)
        .join(authors, authors.c.id == author_claims.c.author_id)
    )


def pending(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    query = _claims_query().where(author_claims.c.status == PENDING).order_by(author_claims.c.created_at).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def approved_for_papers(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for part in chunked(list(dict.fromkeys(ids))):
        query = _claims_query().where(author_claims.c.paper_id.in_(list(part)), author_claims.c.status == CLAIMED)
        found += [dict(row) for row in conn.execute(query).mappings()]
    return found


def of_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    query = _claims_query().where(author_claims.c.user_id == user_id).order_by(author_claims.c.created_at.desc())
    return [dict(row) for row in conn.execute(query).mappings()]


def approved_for_author(conn: Connection, name: str) -> list[dict[str, Any]]:
    """Who has an approved claim to this author name (on any paper)."""
    query = _claims_query().where(authors.c.name == name, author_claims.c.status == CLAIMED)
    return [dict(row) for row in conn.execute(query).mappings()]
