"""Everything one claimed batch needs to render its messages, in three queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from paperwire.storage import subscribers as repo
from paperwire.storage.db import read_only
from paperwire.storage.digest_ledger import SendRow
from paperwire.storage.digest_tables import digest_editions
from paperwire.storage.subscribers import Subscriber
from paperwire.storage.tables import papers


@dataclass(frozen=True)
class BatchData:
    day: date
    subscribers: dict[int, Subscriber]
    papers: dict[str, dict[str, Any]]


def fetch_papers(conn: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    columns = (papers.c.id, papers.c.title, papers.c.abstract, papers.c.authors_text, papers.c.upvotes)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        for row in conn.execute(select(*columns).where(papers.c.id.in_(list(ids[start : start + 500])))):
            found[row.id] = {
                "id": row.id,
                "title": row.title,
                "abstract": row.abstract,
                "upvotes": row.upvotes,
                "authors": [a for a in (row.authors_text or "").split("; ") if a],
            }
    return found


def load_batch(engine: Engine, rows: Sequence[SendRow]) -> BatchData:
    paper_ids = sorted({item["id"] for row in rows for item in row.items})
    with read_only(engine) as conn:
        day = conn.execute(select(digest_editions.c.day).where(digest_editions.c.id == rows[0].edition_id)).scalar_one()
        return BatchData(day, repo.get_many(conn, [r.subscriber_id for r in rows]), fetch_papers(conn, paper_ids))
