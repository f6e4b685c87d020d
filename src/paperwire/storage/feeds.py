"""Read queries for the web: daily lists, trending, new, authors, categories, the change feed.

Everything here reads denormalised columns (authors_text, categories_text) so list pages stay at a
few indexed queries. Rows come back as plain dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from paperwire.storage.community_tables import hidden_papers
from paperwire.storage.papers import chunked
from paperwire.storage.schema import METADATA
from paperwire.storage.tables import authors, categories, counters, paper_authors, paper_categories, papers

LIST_COLUMNS = (
    papers.c.id,
    papers.c.title,
    papers.c.abstract,
    papers.c.authors_text,
    papers.c.categories_text,
    papers.c.primary_category,
    papers.c.published,
    papers.c.announced,
    papers.c.submitted_on,
    papers.c.upvotes,
    papers.c.code_links,
    papers.c.version,
    papers.c.updated_at,
    papers.c.seq,
)
RANK_COLUMNS = (
    papers.c.id,
    papers.c.upvotes,
    papers.c.announced,
    papers.c.submitted_on,
    papers.c.categories_text,
)


@dataclass(frozen=True)
class DataVersion:
    """Changes whenever papers or any counter (votes, comments, ...) change."""

    token: str
    last_modified: datetime | None


def data_version(conn: Connection) -> DataVersion:
    newest = select(func.max(papers.c.seq)).scalar_subquery()
    stamp = select(func.max(papers.c.updated_at)).scalar_subquery()
    total = select(func.coalesce(func.sum(counters.c.value), 0)).scalar_subquery()
    seq, updated, counted = conn.execute(select(newest, stamp, total)).one()
    if isinstance(updated, str):  # SQLite via a raw aggregate returns text
        updated = datetime.fromisoformat(updated)
    if updated is not None:  # SQLite drops the zone; values are written in UTC
        updated = updated.replace(tzinfo=UTC) if updated.tzinfo is None else updated.astimezone(UTC)
    return DataVersion(f"{seq or 0}.{counted}", updated)


def _visible() -> ColumnElement[bool]:
    """Not hidden by a moderator."""
    return papers.c.id.not_in(select(hidden_papers.c.paper_id))


def _in_categories(cats: Sequence[str]) -> ColumnElement[bool]:
    inner = select(paper_categories.c.paper_id).where(paper_categories.c.category_id.in_(list(cats)))
    return papers.c.id.in_(inner)


def period_rank_rows(conn: Connection, start: date, end: date, tracked: Sequence[str]) -> list[dict[str, Any]]:
    """Light rows of a period's list: announced in tracked categories, or submitted in the period."""
    announced: ColumnElement[bool] = papers.c.announced.between(start, end)
    if tracked:
        announced = and_(announced, _in_categories(tracked))
    query = select(*RANK_COLUMNS).where(or_(announced, papers.c.submitted_on.between(start, end)), _visible())
    return [dict(row) for row in conn.execute(query).mappings()]


def rows_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for part in chunked(list(ids)):
        for row in conn.execute(select(*LIST_COLUMNS).where(papers.c.id.in_(part))).mappings():
            found[row["id"]] = dict(row)
    return found


def ordered_rows(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    found = rows_by_id(conn, ids)
    return [found[i] for i in ids if i in found]


def neighbour_day(conn: Connection, day: date, tracked: Sequence[str], *, before: bool) -> date | None:
    """The nearest day before (or after) `day` that has a list: announcements or submissions."""
    pick = func.max if before else func.min
    announced = papers.c.announced < day if before else papers.c.announced > day
    if tracked:
        announced = and_(announced, _in_categories(tracked))
    submitted = papers.c.submitted_on < day if before else papers.c.submitted_on > day
    first = conn.execute(select(pick(papers.c.announced)).where(announced)).scalar()
    second = conn.execute(select(pick(papers.c.submitted_on)).where(submitted)).scalar()
    days: list[date] = [d for d in (first, second) if d is not None]
    if not days:
        return None
    return max(days) if before else min(days)


def latest_day(conn: Connection, tracked: Sequence[str]) -> date | None:
    return neighbour_day(conn, date.max, tracked, before=True)


def window_rows(conn: Connection, since: date, limit: int) -> list[dict[str, Any]]:
    """Trending candidates: announced or submitted since `since`, most upvoted first."""
    active = or_(papers.c.announced >= since, papers.c.submitted_on >= since)
    query = (
        select(*LIST_COLUMNS)
        .where(active, _visible())
        .order_by(papers.c.upvotes.desc(), papers.c.announced.desc(), papers.c.id.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def newest_rows(conn: Connection, category: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    query = select(*LIST_COLUMNS).where(papers.c.announced.is_not(None), _visible())
    if category:
        query = query.where(_in_categories([category]))
    query = query.order_by(papers.c.announced.desc(), papers.c.id.desc()).limit(limit).offset(offset)
    return [dict(row) for row in conn.execute(query).mappings()]


def category_info(conn: Connection, category: str) -> dict[str, Any] | None:
    row = conn.execute(select(categories).where(categories.c.id == category)).mappings().first()
    if row is None:
        return None
    count = conn.execute(
        select(func.count()).select_from(paper_categories).where(paper_categories.c.category_id == category)
    ).scalar_one()
    return {"id": row["id"], "archive": row["archive"], "papers": count}


def find_author(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(authors).where(authors.c.name == name)).mappings().first()
    return dict(row) if row else None


def author_rows(conn: Connection, author_id: int, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    owned = select(paper_authors.c.paper_id).where(paper_authors.c.author_id == author_id)
    total = conn.execute(select(func.count()).select_from(owned.subquery())).scalar_one()
    query = (
        select(*LIST_COLUMNS)
        .where(papers.c.id.in_(owned), _visible())
        .order_by(papers.c.announced.desc(), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return total, [dict(row) for row in conn.execute(query).mappings()]


def changed_since(conn: Connection, cursor: int, limit: int) -> list[dict[str, Any]]:
    """The change feed: papers in the order they were last added or changed (seq), after `cursor`."""
    query = select(*LIST_COLUMNS).where(papers.c.seq > cursor).order_by(papers.c.seq).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def comment_counts(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """Comments per paper when the community tables are installed; empty otherwise."""
    table = METADATA.tables.get("comments")
    if table is None or "paper_id" not in table.c or not ids:
        return {}
    query = select(table.c.paper_id, func.count()).where(table.c.paper_id.in_(list(ids)))
    if "deleted_at" in table.c:
        query = query.where(table.c.deleted_at.is_(None))
    return {pid: n for pid, n in conn.execute(query.group_by(table.c.paper_id))}


def submitter_names(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """Who submitted each of these papers to the daily list (display names), when the community tables exist."""
    table, users = METADATA.tables.get("submissions"), METADATA.tables.get("users")
    if table is None or users is None or not ids:
        return {}
    query = (
        select(table.c.paper_id, users.c.display_name)
        .join(users, users.c.id == table.c.user_id)
        .where(table.c.paper_id.in_(list(ids)))
    )
    return {paper_id: name for paper_id, name in conn.execute(query)}


def category_counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        for cat in (row.get("categories_text") or "").split():
            counts[cat] = counts.get(cat, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def search_titles(conn: Connection, terms: Sequence[str], limit: int, offset: int) -> tuple[int, list[str]]:
    """A plain title match, used only when the search index is unavailable: (total, ids newest first)."""
    condition = and_(*(papers.c.title.ilike(f"%{_like_escape(t)}%", escape="\\") for t in terms))
    total = conn.execute(select(func.count()).select_from(papers).where(condition)).scalar_one()
    query = (
        select(papers.c.id)
        .where(condition)
        .order_by(papers.c.announced.desc(), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return total, [pid for (pid,) in conn.execute(query)]


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
