"""Follows, saved papers, collections, "Not relevant" feedback and feed tokens of one user.

Inserts are ON CONFLICT DO NOTHING with RETURNING, so a duplicate follow or save is a counted no-op
rather than an error, however many requests race.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from paperwire.storage.db import next_seq
from paperwire.storage.library_tables import collection_items, collections, feed_tokens, feedback, follows
from paperwire.storage.library_tables import library_items as items
from paperwire.storage.papers import insert_ignore


def _changed(conn: Connection, changed: bool) -> bool:
    """Pages show the viewer's follow and save state, so a change moves the data version (ETags)."""
    if changed:
        next_seq(conn, "library")
    return changed


@dataclass(frozen=True)
class Follow:
    kind: str  # author | category | search
    target: str
    label: str
    created_at: datetime


@dataclass(frozen=True)
class Collection:
    id: int
    user_id: int
    name: str
    is_public: bool
    public_id: str
    created_at: datetime
    size: int = 0


# follows


def add_follow(conn: Connection, user_id: int, kind: str, target: str, label: str, now: datetime) -> bool:
    row = {"user_id": user_id, "kind": kind, "target": target, "label": label, "created_at": now}
    return _changed(
        conn, conn.execute(insert_ignore(conn, follows).values(**row).returning(follows.c.id)).first() is not None
    )


def remove_follow(conn: Connection, user_id: int, kind: str, target: str) -> bool:
    where = (follows.c.user_id == user_id, follows.c.kind == kind, follows.c.target == target)
    return _changed(conn, conn.execute(delete(follows).where(*where).returning(follows.c.id)).first() is not None)


def follows_of(conn: Connection, user_id: int, kind: str | None = None) -> list[Follow]:
    """A user's follows, newest first (all kinds, or one)."""
    query = select(follows.c.kind, follows.c.target, follows.c.label, follows.c.created_at)
    query = query.where(follows.c.user_id == user_id).order_by(follows.c.created_at.desc(), follows.c.id.desc())
    if kind is not None:
        query = query.where(follows.c.kind == kind)
    return [Follow(*row) for row in conn.execute(query)]


def count_follows(conn: Connection, user_id: int) -> int:
    query = select(func.count()).select_from(follows).where(follows.c.user_id == user_id)
    return int(conn.execute(query).scalar_one())


# the library


def save_paper(conn: Connection, user_id: int, paper_id: str, now: datetime) -> bool:
    row = {"user_id": user_id, "paper_id": paper_id, "note": "", "saved_at": now}
    return _changed(
        conn, conn.execute(insert_ignore(conn, items).values(**row).returning(items.c.paper_id)).first() is not None
    )


def unsave_paper(conn: Connection, user_id: int, paper_id: str) -> bool:
    where = (items.c.user_id == user_id, items.c.paper_id == paper_id)
    return _changed(conn, conn.execute(delete(items).where(*where).returning(items.c.paper_id)).first() is not None)


def set_note(conn: Connection, user_id: int, paper_id: str, note: str) -> bool:
    where = (items.c.user_id == user_id, items.c.paper_id == paper_id)
    return conn.execute(update(items).where(*where).values(note=note).returning(items.c.paper_id)).first() is not None


def saved_items(conn: Connection, user_id: int, limit: int | None = None) -> list[dict[str, Any]]:
    """{paper_id, note, saved_at} of a user's library, newest first."""
    query = select(items.c.paper_id, items.c.note, items.c.saved_at).where(items.c.user_id == user_id)
    query = query.order_by(items.c.saved_at.desc(), items.c.paper_id)
    return [dict(row) for row in conn.execute(query.limit(limit)).mappings()]


def saved_ids(conn: Connection, user_id: int, paper_ids: Iterable[str] | None = None) -> set[str]:
    """Which of these papers (all, when None) the user saved."""
    query = select(items.c.paper_id).where(items.c.user_id == user_id)
    if paper_ids is not None:
        ids = list(paper_ids)
        if not ids:
            return set()
        query = query.where(items.c.paper_id.in_(ids))
    return {paper_id for (paper_id,) in conn.execute(query)}


# collections


def _collection(row: Any, size: int = 0) -> Collection:
    return Collection(row.id, row.user_id, row.name, bool(row.is_public), row.public_id, row.created_at, size)


def create_collection(conn: Connection, user_id: int, name: str, public_id: str, now: datetime) -> int | None:
    """The new collection's id; None when the user already has one of that name."""
    row = {"user_id": user_id, "name": name, "is_public": False, "public_id": public_id, "created_at": now}
    found = conn.execute(insert_ignore(conn, collections).values(**row).returning(collections.c.id)).first()
    return None if found is None else int(found[0])


def collections_of(conn: Connection, user_id: int) -> list[Collection]:
    size = (
        select(func.count()).where(collection_items.c.collection_id == collections.c.id).scalar_subquery().label("size")
    )
    query = select(collections, size).where(collections.c.user_id == user_id).order_by(collections.c.name)
    return [_collection(row, int(row.size)) for row in conn.execute(query)]


def get_collection(
    conn: Connection, *, collection_id: int | None = None, public_id: str | None = None
) -> Collection | None:
    query = select(collections)
    if collection_id is not None:
        query = query.where(collections.c.id == collection_id)
    if public_id is not None:
        query = query.where(collections.c.public_id == public_id)
    row = conn.execute(query).first()
    return None if row is None else _collection(row, collection_size(conn, row.id))


def collection_size(conn: Connection, collection_id: int) -> int:
    query = select(func.count()).select_from(collection_items).where(collection_items.c.collection_id == collection_id)
    return int(conn.execute(query).scalar_one())


def set_public(conn: Connection, collection_id: int, is_public: bool) -> None:
    conn.execute(update(collections).where(collections.c.id == collection_id).values(is_public=is_public))


def delete_collection(conn: Connection, collection_id: int) -> None:
    conn.execute(delete(collections).where(collections.c.id == collection_id))


def add_to_collection(conn: Connection, collection_id: int, paper_id: str, now: datetime) -> bool:
    row = {"collection_id": collection_id, "paper_id": paper_id, "added_at": now}
    statement = insert_ignore(conn, collection_items).values(**row).returning(collection_items.c.paper_id)
    return conn.execute(statement).first() is not None


def remove_from_collection(conn: Connection, collection_id: int, paper_id: str) -> bool:
    where = (collection_items.c.collection_id == collection_id, collection_items.c.paper_id == paper_id)
    statement = delete(collection_items).where(*where).returning(collection_items.c.paper_id)
    return conn.execute(statement).first() is not None


def collection_paper_ids(conn: Connection, collection_id: int) -> list[str]:
    """The papers of a collection, the last added first."""
    query = select(collection_items.c.paper_id).where(collection_items.c.collection_id == collection_id)
    query = query.order_by(collection_items.c.added_at.desc(), collection_items.c.paper_id)
    return [paper_id for (paper_id,) in conn.execute(query)]


# "Not relevant"


def mark_not_relevant(conn: Connection, user_id: int, paper_id: str, now: datetime) -> bool:
    row = {"user_id": user_id, "paper_id": paper_id, "created_at": now}
    statement = insert_ignore(conn, feedback).values(**row).returning(feedback.c.paper_id)
    return conn.execute(statement).first() is not None


def not_relevant_ids(conn: Connection, user_id: int) -> list[str]:
    query = select(feedback.c.paper_id).where(feedback.c.user_id == user_id).order_by(feedback.c.created_at.desc())
    return [paper_id for (paper_id,) in conn.execute(query)]


# the private feed token


def set_feed_token(conn: Connection, user_id: int, token_hash: str, now: datetime) -> None:
    conn.execute(delete(feed_tokens).where(feed_tokens.c.user_id == user_id))
    conn.execute(feed_tokens.insert().values(user_id=user_id, token_hash=token_hash, created_at=now))


def user_of_feed_token(conn: Connection, token_hash: str) -> int | None:
    query = select(feed_tokens.c.user_id).where(feed_tokens.c.token_hash == token_hash)
    found = conn.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def has_feed_token(conn: Connection, user_id: int) -> bool:
    query = select(feed_tokens.c.user_id).where(feed_tokens.c.user_id == user_id)
    return conn.execute(query).first() is not None


def follows_of_users(conn: Connection, user_ids: Iterable[int]) -> dict[int, list[Follow]]:
    """The follows of many users at once (a page of digest subscribers), oldest first."""
    ids = sorted(set(user_ids))
    found: dict[int, list[Follow]] = {user_id: [] for user_id in ids}
    if not ids:
        return found
    query = select(follows.c.user_id, follows.c.kind, follows.c.target, follows.c.label, follows.c.created_at)
    query = query.where(follows.c.user_id.in_(ids)).order_by(follows.c.created_at, follows.c.id)
    for user_id, *rest in conn.execute(query):
        found[user_id].append(Follow(*rest))
    return found
