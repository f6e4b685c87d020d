"""One paper: the page, its JSON twin, its Markdown, and its similar papers.

Similar papers are a separate request (`/papers/{id}/similar`, `/api/papers/{id}/similar`): they cost a
scan of the search index (~10 ms on 75k papers), so the paper page itself stays a few indexed queries.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.papers import parse_arxiv_id
from paperwire.errors import InvalidInput, NotFound, PaperwireError
from paperwire.search.service import SearchService
from paperwire.storage import reader
from paperwire.storage.papers import get_versions
from paperwire.storage.reader import PaperRow
from paperwire.web.builders._papers import iso, paper_dicts, paper_path

log = logging.getLogger(__name__)
SIMILAR_LIMIT = 6
MAX_SIMILAR = 100


def canonical_id(raw: str) -> str:
    try:
        return parse_arxiv_id(raw).id
    except ValueError:
        return raw.strip()


def find_paper(conn: Connection, raw_id: str) -> PaperRow:
    row = reader.paper_by_id(conn, raw_id) or reader.paper_by_id(conn, canonical_id(raw_id))
    if row is None:
        raise NotFound(f"no paper with id {raw_id[:80]!r}")
    return row


def similar_papers(search: SearchService, paper_id: str, limit: int = SIMILAR_LIMIT) -> list[dict[str, Any]]:
    """Similar papers from the search service; empty when it has no index yet or not this paper."""
    try:
        found = search.similar(paper_id, limit=limit)
    except PaperwireError as error:  # no index yet, paper not indexed yet
        log.info("web.similar_unavailable", extra={"paper": paper_id, "reason": str(error)})
        return []
    return [
        {
            "id": s.id,
            "title": s.title,
            "score": s.score,
            "url": paper_path(s.id),
            "shared_terms": list(s.shared_terms),
            "mainly_semantic": s.mainly_semantic,
        }
        for s in found
    ]


def build_paper(conn: Connection, settings: Settings, raw_id: str) -> dict[str, Any]:
    row = find_paper(conn, raw_id)
    [paper] = paper_dicts(conn, settings, [row])
    paper.update(
        comment=row.comment,
        journal_ref=row.journal_ref,
        doi=row.doi,
        license=row.license if (row.license or "").startswith(("http://", "https://")) else None,
        updated=iso(row.updated),
        versions=[{"version": v, "submitted": iso(d)} for v, d in get_versions(conn, row.id)],
    )
    return {"paper": paper}


def build_similar(conn: Connection, search: SearchService, raw_id: str, limit: int = SIMILAR_LIMIT) -> dict[str, Any]:
    if not 1 <= limit <= MAX_SIMILAR:
        raise InvalidInput(f"limit: expected 1..{MAX_SIMILAR}, got {limit}")
    row = find_paper(conn, raw_id)
    paper = {"id": row.id, "title": row.title, "url": paper_path(row.id)}
    return {"id": row.id, "paper": paper, "similar": similar_papers(search, row.id, limit)}
