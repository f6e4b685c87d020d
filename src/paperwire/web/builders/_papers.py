"""Paper rows -> the dicts every page, API and feed shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.papers import paper_path
from paperwire.storage import reader
from paperwire.storage.comments import comment_counts
from paperwire.storage.reader import PaperRow, PaperStub

SNIPPET_CHARS = 280

__all__ = ["author_path", "category_path", "iso", "paper_dict", "paper_dicts", "paper_path", "snippet"]


def author_path(name: str) -> str:
    return "/authors/" + quote(name, safe="")


def category_path(category: str) -> str:
    return "/categories/" + quote(category, safe="")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def paper_dicts(conn: Connection, settings: Settings, rows: Sequence[PaperRow]) -> list[dict[str, Any]]:
    """paper_dict for each row, with visible comment counts and, for submitted papers, the submitter."""
    comments = comment_counts(conn, [r.id for r in rows])
    names = reader.submitter_names(conn, [r.id for r in rows if r.submitted_on])
    return [paper_dict(r, settings, comments.get(r.id, 0), names.get(r.id)) for r in rows]


def paper_dict(row: PaperRow, settings: Settings, comments: int = 0, submitted_by: str | None = None) -> dict[str, Any]:
    """The one shape of a paper in lists: plain JSON types only, so it caches and serialises as is."""
    is_arxiv = not row.id.startswith(("doi:", "hf:"))
    return {
        "id": row.id,
        "title": row.title,
        "abstract": row.abstract,
        "snippet": snippet(row.abstract),
        "authors": list(row.authors),
        "categories": list(row.categories),
        "primary_category": row.primary_category,
        "published": iso(row.published),
        "announced": iso(row.announced),
        "submitted_on": iso(row.submitted_on),
        "submitted_by": submitted_by,
        "upvotes": row.upvotes,
        "num_comments": comments,
        "code_links": [link for link in row.code_links if link.startswith(("https://", "http://"))],
        "version": row.version,
        "url": paper_path(row.id),
        "abs_url": f"{settings.arxiv_abs_url}/{row.id}" if is_arxiv else None,
        "pdf_url": f"{settings.arxiv_pdf_url}/{row.id}" if is_arxiv else None,
        "updated_at": iso(row.updated_at),
    }


def order_by_date(rows: Sequence[PaperStub]) -> list[PaperStub]:
    """Newest listing day first, then id descending."""
    return sorted(rows, key=lambda row: ((row.day or date.min).toordinal(), row.id), reverse=True)
