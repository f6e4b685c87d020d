"""Comments repository: threaded comments, comment votes (counters kept exact), reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from paperwire.storage.community_tables import comment_votes, comments, reports, users
from paperwire.storage.db import next_seq
from paperwire.storage.papers import chunked, insert_ignore
from paperwire.storage.tables import papers

VISIBLE = (comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None))


def insert_comment(conn: Connection, **values: Any) -> int:
    next_seq(conn, "comments")  # changes the data version, so cached pages show the comment
    return int(conn.execute(insert(comments).values(**values).returning(comments.c.id)).scalar_one())


def get_comment(conn: Connection, comment_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(comments).where(comments.c.id == comment_id)).mappings().first()
    return dict(row) if row else None


def update_comment(conn: Connection, comment_id: int, **values: Any) -> None:
    next_seq(conn, "comments")
    conn.execute(update(comments).where(comments.c.id == comment_id).values(**values))


def thread_rows(conn: Connection, paper_id: str) -> list[dict[str, Any]]:
    """Every comment of a paper with its author's name, oldest first (deleted ones keep the thread)."""
    query = (
        select(comments, users.c.display_name.label("author_name"), users.c.is_banned.label("author_banned"))
        .outerjoin(users, users.c.id == comments.c.user_id)  # NULL: the author deleted the account
        .where(comments.c.paper_id == paper_id)
        .order_by(comments.c.created_at, comments.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def comments_by_user(conn: Connection, user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(comments.c.id, comments.c.paper_id, comments.c.body_html, comments.c.created_at, papers.c.title)
        .join(papers, papers.c.id == comments.c.paper_id)
        .where(comments.c.user_id == user_id, *VISIBLE)
        .order_by(comments.c.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def comment_counts(conn: Connection, paper_ids: Sequence[str]) -> dict[str, int]:
    """Visible comments per paper (not deleted, not hidden by a moderator): the one count that cards,
    paper pages, the API, feeds, trending and digests show. Papers without any are left out."""
    found: dict[str, int] = {}
    for part in chunked(list(paper_ids)):
        query = select(comments.c.paper_id, func.count()).where(comments.c.paper_id.in_(part), *VISIBLE)
        found.update({paper_id: int(n) for paper_id, n in conn.execute(query.group_by(comments.c.paper_id))})
    return found


def set_comment_vote(conn: Connection, user_id: int, comment_id: int, value: int) -> None:
    """Record +1, -1 or 0 (withdraw) and move the comment's counters by the difference."""
    where = (comment_votes.c.user_id == user_id, comment_votes.c.comment_id == comment_id)
    old = conn.execute(delete(comment_votes).where(*where).returning(comment_votes.c.value)).scalar_one_or_none()
    if value:
        conn.execute(insert_ignore(conn, comment_votes).values(user_id=user_id, comment_id=comment_id, value=value))
    up = (value == 1) - (old == 1)
    down = (value == -1) - (old == -1)
    if up or down:
        values = {"upvotes": comments.c.upvotes + up, "downvotes": comments.c.downvotes + down}
        conn.execute(update(comments).where(comments.c.id == comment_id).values(**values))


def my_comment_votes(conn: Connection, user_id: int, paper_id: str) -> dict[int, int]:
    query = (
        select(comment_votes.c.comment_id, comment_votes.c.value)
        .join(comments, comments.c.id == comment_votes.c.comment_id)
        .where(comment_votes.c.user_id == user_id, comments.c.paper_id == paper_id)
    )
    return {comment_id: value for comment_id, value in conn.execute(query)}


def insert_report(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(reports).values(**values).returning(reports.c.id)).scalar_one())


def open_reports(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    query = (
        select(reports, users.c.display_name.label("reporter_name"))
        .join(users, users.c.id == reports.c.reporter_id)
        .where(reports.c.resolved_at.is_(None))
        .order_by(reports.c.created_at)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def resolve_report(conn: Connection, report_id: int, now: datetime) -> None:
    conn.execute(update(reports).where(reports.c.id == report_id).values(resolved_at=now))
