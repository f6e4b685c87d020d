"""Counts for `paperwire stats`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from paperwire.storage.tables import authors, paper_categories, paper_versions, papers


def collect_stats(conn: Connection, top_categories: int = 20) -> dict[str, Any]:
    count = conn.execute(select(func.count()).select_from(papers)).scalar_one()
    by_category = conn.execute(
        select(paper_categories.c.category_id, func.count())
        .group_by(paper_categories.c.category_id)
        .order_by(func.count().desc(), paper_categories.c.category_id)
        .limit(top_categories)
    )
    return {
        "papers": count,
        "versions": conn.execute(select(func.count()).select_from(paper_versions)).scalar_one(),
        "authors": conn.execute(select(func.count()).select_from(authors)).scalar_one(),
        "by_category": {c: n for c, n in by_category},
        "newest_announced": conn.execute(select(func.max(papers.c.announced))).scalar_one(),
        "newest_published": conn.execute(select(func.max(papers.c.published))).scalar_one(),
    }
