"""Locally computed keywords and summaries (papers.ai_keywords, ai_summary), and which papers need them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, String, cast, func, or_, select, update

from paperwire.storage.db import next_seq
from paperwire.storage.tables import papers


def pending(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """Papers whose keywords are missing or were made from older content, newest first."""
    stale = or_(papers.c.ai_hash.is_(None), papers.c.ai_hash != papers.c.content_hash)
    query = (
        select(papers.c.id, papers.c.title, papers.c.abstract, papers.c.content_hash)
        .where(stale)
        .order_by(papers.c.seq.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def count_pending(conn: Connection) -> int:
    stale = or_(papers.c.ai_hash.is_(None), papers.c.ai_hash != papers.c.content_hash)
    return int(conn.execute(select(func.count()).select_from(papers).where(stale)).scalar_one())


def save(conn: Connection, rows: Sequence[tuple[str, list[str], str | None, str]]) -> None:
    """(paper id, keywords, summary, content hash they came from) per paper; one data-version bump."""
    for paper_id, keywords, summary, content in rows:
        values = {"ai_keywords": keywords, "ai_summary": summary, "ai_hash": content}
        conn.execute(update(papers).where(papers.c.id == paper_id).values(**values))
    if rows:
        next_seq(conn, "keywords")  # cached pages pick the keywords up


def ids_with_keyword(conn: Connection, keyword: str) -> set[str]:
    """Papers whose keywords include `keyword` (case-insensitive, whole keyword)."""
    needle = '"' + keyword.lower().replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = func.lower(cast(papers.c.ai_keywords, String))
    query = select(papers.c.id).where(papers.c.ai_keywords.is_not(None), text.contains(needle, autoescape=True))
    return {paper_id for (paper_id,) in conn.execute(query)}
