"""Counts for `paperwire stats`: papers, the community, digests and the worker's job runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from paperwire.storage.community_tables import comments, submissions, users, votes
from paperwire.storage.digest_tables import digest_editions, subscribers
from paperwire.storage.job_tables import job_runs
from paperwire.storage.tables import authors, paper_categories, paper_versions, papers


def collect_stats(conn: Connection, top_categories: int = 20) -> dict[str, Any]:
    count = conn.execute(select(func.count()).select_from(papers)).scalar_one()
    by_category = conn.execute(
        select(paper_categories.c.category_id, func.count())
        .group_by(paper_categories.c.category_id)
        .order_by(func.count().desc(), paper_categories.c.category_id)
        .limit(top_categories)
    )
    # A daily listing gives only the announce day: then that is the day the paper became public.
    first_public = func.coalesce(papers.c.published, papers.c.submitted_on, papers.c.announced)
    return {
        "papers": count,
        "versions": conn.execute(select(func.count()).select_from(paper_versions)).scalar_one(),
        "authors": conn.execute(select(func.count()).select_from(authors)).scalar_one(),
        "by_category": {c: n for c, n in by_category},
        "newest_announced": conn.execute(select(func.max(papers.c.announced))).scalar_one(),
        "newest_published": conn.execute(select(func.max(first_public))).scalar_one(),
        "last_ingest": conn.execute(select(func.max(papers.c.ingested_at))).scalar_one(),
        "community": _community(conn),
        "digest": _digest(conn),
        "job_runs": _last_job_runs(conn),
    }


def _count(conn: Connection, table: Any, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _community(conn: Connection) -> dict[str, int]:
    return {
        "users": _count(conn, users),
        "admins": _count(conn, users, users.c.is_admin.is_(True)),
        "banned": _count(conn, users, users.c.is_banned.is_(True)),
        "votes": _count(conn, votes),
        "comments": _count(conn, comments),
        "submissions": _count(conn, submissions),
    }


def _digest(conn: Connection) -> dict[str, Any]:
    by_status = conn.execute(select(subscribers.c.status, func.count()).group_by(subscribers.c.status)).all()
    last = conn.execute(
        select(digest_editions.c.day, digest_editions.c.status).order_by(digest_editions.c.day.desc()).limit(1)
    ).first()
    return {
        "subscribers": {str(status): int(count) for status, count in sorted(by_status)},
        "last_edition": {"day": last.day.isoformat(), "status": last.status} if last else None,
    }


def _last_job_runs(conn: Connection) -> dict[str, dict[str, Any]]:
    """The newest run of each job (ingest, index, trending, digest) with its status and times."""
    newest = select(job_runs.c.name, func.max(job_runs.c.id).label("id")).group_by(job_runs.c.name).subquery()
    rows = conn.execute(
        select(job_runs.c.name, job_runs.c.status, job_runs.c.started_at, job_runs.c.finished_at)
        .join(newest, newest.c.id == job_runs.c.id)
        .order_by(job_runs.c.name)
    )
    return {r.name: {"status": r.status, "started_at": r.started_at, "finished_at": r.finished_at} for r in rows}
