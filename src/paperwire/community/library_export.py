"""A library or one collection as a citation file: BibTeX, RIS, CSL-JSON or JSON lines.

The one export that /library/export.{fmt}, /collections/{id}/export.{fmt}, /account/export.zip and
`paperwire library export` all call, so a file made in the shell is byte for byte the file the web gives.
Papers come in the page's order (newest save first; a collection in the order it was filled), hidden
papers left out; the library's JSON lines carry each paper's note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.citations import EXPORT_FORMATS, export_text
from paperwire.errors import InvalidInput
from paperwire.storage import library as repo
from paperwire.storage import reader
from paperwire.storage.reader import PaperRow


@dataclass(frozen=True)
class Export:
    filename: str  # "library.bib", "collection-3.ris"
    media_type: str
    text: str
    papers: int

    @property
    def body(self) -> bytes:
        return self.text.encode("utf-8")


def check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt[:20]!r}")


def citation(row: PaperRow, settings: Settings) -> dict[str, Any]:
    """The fields domain.citations reads, for one stored paper."""
    is_arxiv = not row.id.startswith(("doi:", "hf:"))
    return {
        "id": row.id,
        "title": row.title,
        "abstract": row.abstract,
        "authors": list(row.authors),
        "primary_category": row.primary_category,
        "published": row.published.isoformat() if row.published else None,
        "announced": row.announced.isoformat() if row.announced else None,
        "abs_url": f"{settings.arxiv_abs_url}/{row.id}" if is_arxiv else None,
        "doi": row.doi,
        "journal_ref": row.journal_ref,
    }


def _citations(conn: Connection, settings: Settings, ids: list[str]) -> list[dict[str, Any]]:
    found = reader.papers_by_id(conn, ids, visible_only=True)
    return [citation(found[i], settings) for i in ids if i in found]


def _export(name: str, fmt: str, papers: list[dict[str, Any]], notes: dict[str, str] | None = None) -> Export:
    check_format(fmt)
    extension, media_type = EXPORT_FORMATS[fmt]
    return Export(f"{name}.{extension}", media_type, export_text(papers, fmt, notes), len(papers))


def export_library(conn: Connection, settings: Settings, user_id: int, fmt: str) -> Export:
    items = repo.saved_items(conn, user_id)
    notes = {item["paper_id"]: item["note"] for item in items}
    return _export("library", fmt, _citations(conn, settings, list(notes)), notes)


def export_collection(conn: Connection, settings: Settings, collection: repo.Collection, fmt: str) -> Export:
    ids = repo.collection_paper_ids(conn, collection.id)
    return _export(f"collection-{collection.id}", fmt, _citations(conn, settings, ids))
