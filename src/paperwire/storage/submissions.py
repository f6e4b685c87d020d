"""Submissions repository: who put which paper on which day's list; hidden papers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from paperwire.domain.papers import content_hash
from paperwire.storage.community_tables import hidden_papers, submissions
from paperwire.storage.db import next_seq
from paperwire.storage.papers import HASHED, get_paper_row, insert_ignore
from paperwire.storage.tables import papers


def count_on(conn: Connection, user_id: int, day: date) -> int:
    query = select(func.count()).select_from(submissions)
    return int(
        conn.execute(query.where(submissions.c.user_id == user_id, submissions.c.submitted_on == day)).scalar_one()
    )


def insert_submission(
    conn: Connection, paper_id: str, user_id: int, day: date, now: datetime, comment: str | None = None
) -> bool:
    """False when the paper was submitted before (UNIQUE paper_id)."""
    values = {"paper_id": paper_id, "user_id": user_id, "submitted_on": day, "created_at": now, "comment": comment}
    statement = insert_ignore(conn, submissions).values(**values).returning(submissions.c.id)
    return conn.execute(statement).first() is not None


def mark_submitted(conn: Connection, paper_id: str, day: date, now: datetime) -> None:
    """Set papers.submitted_on, with a new content hash and change counter so indexes and feeds notice."""
    row = get_paper_row(conn, paper_id)
    if row is None:
        return
    row["submitted_on"] = day
    values = {"submitted_on": day, "content_hash": content_hash(tuple(row[k] for k in HASHED))}
    values |= {"updated_at": now, "seq": next_seq(conn, "papers")}
    conn.execute(update(papers).where(papers.c.id == paper_id).values(**values))


def submissions_by_user(conn: Connection, user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(papers.c.id, papers.c.title, papers.c.upvotes, submissions.c.submitted_on)
        .join(submissions, submissions.c.paper_id == papers.c.id)
        .where(submissions.c.user_id == user_id)
        .order_by(submissions.c.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def is_hidden(conn: Connection, paper_id: str) -> bool:
    query = select(hidden_papers.c.paper_id).where(hidden_papers.c.paper_id == paper_id)
    return conn.execute(query).first() is not None


def hide_paper(conn: Connection, paper_id: str, admin_id: int, now: datetime) -> None:
    next_seq(conn, "moderation")  # changes the data version: cached lists drop the paper
    conn.execute(insert_ignore(conn, hidden_papers).values(paper_id=paper_id, hidden_by=admin_id, hidden_at=now))


def unhide_paper(conn: Connection, paper_id: str) -> None:
    next_seq(conn, "moderation")
    conn.execute(delete(hidden_papers).where(hidden_papers.c.paper_id == paper_id))


def hidden_ids(conn: Connection) -> set[str]:
    return {paper_id for (paper_id,) in conn.execute(select(hidden_papers.c.paper_id))}


def submitter_of(conn: Connection, paper_id: str) -> int | None:
    """The account that submitted the paper, if one did (and still exists)."""
    query = select(submissions.c.user_id).where(submissions.c.paper_id == paper_id)
    return conn.execute(query).scalar_one_or_none()


def set_links(
    conn: Connection, paper_id: str, github_repo: str | None, project_page: str | None, now: datetime
) -> None:
    """Set the paper's chosen repository and project page (None clears: detection applies again)."""
    values = {"github_repo": github_repo, "project_page": project_page, "updated_at": now}
    conn.execute(update(papers).where(papers.c.id == paper_id).values(seq=next_seq(conn, "papers"), **values))
