"""Votes repository: one row per (user, paper); papers.upvotes moves in the same transaction.

`upvotes = upvotes + 1` runs only when the INSERT actually inserted (ON CONFLICT DO NOTHING ... RETURNING
returns no row otherwise), so the counter stays exact however many requests race.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from paperwire.storage.community_tables import submissions, votes
from paperwire.storage.db import next_seq
from paperwire.storage.papers import chunked, insert_ignore
from paperwire.storage.tables import papers


def _shift(conn: Connection, paper_id: str, amount: int) -> None:
    conn.execute(update(papers).where(papers.c.id == paper_id).values(upvotes=papers.c.upvotes + amount))
    next_seq(conn, "votes")  # changes the data version, so cached pages show the new count


def add_vote(
    conn: Connection, user_id: int, paper_id: str, now: datetime, *, weighted: bool, counted: bool = True
) -> bool:
    """True when this call created the vote (and counted it, when `counted`: false for a vote on one's
    own submission, which never counts)."""
    row = {"user_id": user_id, "paper_id": paper_id, "created_at": now, "counted": counted, "weighted": weighted}
    statement = insert_ignore(conn, votes).values(**row).returning(votes.c.user_id)
    inserted = conn.execute(statement).first() is not None  # rowcount is -1 on psycopg for DO NOTHING
    if inserted and counted:
        _shift(conn, paper_id, 1)
    elif inserted:
        next_seq(conn, "votes")
    return inserted


def remove_vote(conn: Connection, user_id: int, paper_id: str) -> bool:
    statement = delete(votes).where(votes.c.user_id == user_id, votes.c.paper_id == paper_id)
    row = conn.execute(statement.returning(votes.c.counted)).first()
    if row is not None and row.counted:
        _shift(conn, paper_id, -1)
    return row is not None


def remove_votes_of(conn: Connection, user_id: int) -> int:
    """Delete every vote of a user (the account is going), taking the counted ones off papers.upvotes."""
    statement = delete(votes).where(votes.c.user_id == user_id).returning(votes.c.paper_id, votes.c.counted)
    counted = Counter(paper_id for paper_id, was_counted in conn.execute(statement) if was_counted)
    for paper_id, number in counted.items():
        _shift(conn, paper_id, -number)
    return sum(counted.values())


def set_counted(conn: Connection, user_id: int, counted: bool) -> int:
    """Stop (ban) or resume (unban) counting a user's votes; returns how many votes changed. Votes on the
    user's own submissions never count, so unbanning leaves them out."""
    own = select(submissions.c.paper_id).where(submissions.c.user_id == user_id)
    statement = (
        update(votes)
        .where(votes.c.user_id == user_id, votes.c.counted.is_(not counted), votes.c.paper_id.not_in(own))
        .values(counted=counted)
        .returning(votes.c.paper_id)
    )
    changed = Counter(paper_id for (paper_id,) in conn.execute(statement))
    for paper_id, number in changed.items():
        _shift(conn, paper_id, number if counted else -number)
    return sum(changed.values())


def upvote_count(conn: Connection, paper_id: str) -> int:
    return int(conn.execute(select(papers.c.upvotes).where(papers.c.id == paper_id)).scalar_one_or_none() or 0)


def voted_ids(conn: Connection, user_id: int, paper_ids: Iterable[str]) -> set[str]:
    ids = list(paper_ids)
    if not ids:
        return set()
    query = select(votes.c.paper_id).where(votes.c.user_id == user_id, votes.c.paper_id.in_(ids))
    return {paper_id for (paper_id,) in conn.execute(query)}


def voted_papers(conn: Connection, user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(papers.c.id, papers.c.title, papers.c.upvotes, votes.c.created_at)
        .join(votes, votes.c.paper_id == papers.c.id)
        .where(votes.c.user_id == user_id)
        .order_by(votes.c.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def weighted_votes(conn: Connection, paper_ids: Iterable[str]) -> dict[str, int]:
    """Votes that carry trending weight (counted: the voter is not banned; weighted: the account was old
    enough when it voted), per paper; papers without any are left out."""
    found: dict[str, int] = {}
    for part in chunked(list(paper_ids)):
        query = (
            select(votes.c.paper_id, func.count())
            .where(votes.c.paper_id.in_(part), votes.c.counted.is_(True), votes.c.weighted.is_(True))
            .group_by(votes.c.paper_id)
        )
        found.update({paper_id: int(n) for paper_id, n in conn.execute(query)})
    return found
