"""Paper repository: batched, idempotent upserts for ingest, and single-paper reads.

Writes happen in batches inside the caller's transaction, so a batch is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update

from paperwire.domain.papers import PaperRecord, VersionRecord, author_key, content_hash, find_code_links
from paperwire.storage.bulk import bulk_insert, select_in
from paperwire.storage.db import next_seq
from paperwire.storage.tables import (
    authors,
    categories,
    paper_authors,
    paper_categories,
    paper_versions,
    papers,
)

CHUNK = 500  # ids per IN (...) query: well under SQLite's parameter limit
# The columns whose values make up a paper's content hash (what search and feeds show).
HASHED = (
    "version",
    "title",
    "abstract",
    "authors_text",
    "categories_text",
    "published",
    "updated",
    "announced",
    "comment",
    "journal_ref",
    "doi",
    "license",
    "imported_upvotes",
    "submitted_on",
)
AUTHOR_SEPARATOR = "; "


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # an older version than the stored one: ignored
    changed_ids: list[str] = field(default_factory=list)


def insert_ignore(conn: Connection, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the connection's dialect (imported here: the PostgreSQL dialect
    package loads its async drivers' modules, ~40 ms of every cold `paperwire search` on SQLite)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def chunked(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_rows(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for part in chunked(ids):
        for row in conn.execute(select(papers).where(papers.c.id.in_(part))).mappings():
            rows[row["id"]] = dict(row)
    return rows


def _record_values(record: PaperRecord) -> dict[str, Any]:
    """Column values a record states; None means 'the source does not say'."""
    latest = max((v.version for v in record.versions), default=None)
    version = record.version or latest
    dates = [v.date for v in record.versions if v.date]
    return {
        "version": version,
        "title": record.title,
        "abstract": record.abstract,
        "authors_text": AUTHOR_SEPARATOR.join(record.authors) if record.authors else None,
        "categories_text": " ".join(record.categories) if record.categories else None,
        "primary_category": record.primary_category,
        "published": record.published or (min(dates) if dates else None),
        "updated": record.updated or (max(dates) if dates else None),
        "announced": record.announced,
        "comment": record.comment,
        "journal_ref": record.journal_ref,
        "doi": record.doi,
        "license": record.license,
        "imported_upvotes": record.upvotes,
        "submitted_on": record.submitted_on,
        "imported_submitter": record.submitter.as_json() if record.submitter else None,
        "imported_comments": record.num_comments,
        "github_repo": record.github_repo,
        "project_page": record.project_page,
        "published_at": record.published_at,
        "submitted_at": record.submitted_at,
    }


def _merge(stored: dict[str, Any] | None, incoming: dict[str, Any], record: PaperRecord) -> dict[str, Any] | None:
    """The row after applying `record` (whose column values are `incoming`); None for an older version."""
    if stored is None:
        merged = {k: v for k, v in incoming.items()}
        merged["version"] = merged["version"] or 1
        merged["authors_text"] = merged["authors_text"] or ""
        merged["categories_text"] = merged["categories_text"] or ""
        merged["imported_upvotes"] = merged["imported_upvotes"] or 0
        merged["imported_comments"] = merged["imported_comments"] or 0
    else:
        if incoming["version"] is not None and incoming["version"] < stored["version"]:
            return None
        merged = {k: (stored[k] if v is None else v) for k, v in incoming.items()}
        if incoming["announced"] and stored["announced"]:  # first announcement wins
            merged["announced"] = min(incoming["announced"], stored["announced"])
        if incoming["published"] and stored["published"]:
            merged["published"] = min(incoming["published"], stored["published"])
    merged["id"] = record.id
    merged["source"] = record.source if stored is None else stored["source"]
    merged["code_links"] = list(find_code_links(merged["abstract"], merged["comment"]))
    merged["content_hash"] = content_hash(tuple(merged[k] for k in HASHED))
    return merged


def _dedupe(records: Iterable[PaperRecord]) -> list[PaperRecord]:
    """Within one batch keep one record per id: the highest version, later lines winning ties."""
    chosen: dict[str, PaperRecord] = {}
    for record in records:
        previous = chosen.get(record.id)
        if previous is None or (record.version or 0) >= (previous.version or 0):
            chosen[record.id] = record
    return list(chosen.values())


def _stored_hashes(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in chunked(ids):
        for paper_id, record_hash in select_in(conn, "SELECT id, record_hash FROM papers WHERE id", part):
            found[paper_id] = record_hash
    return found


def upsert_papers(conn: Connection, records: Iterable[PaperRecord], now: datetime | None = None) -> UpsertCounts:
    """Insert new papers, update changed ones, ignore older versions; idempotent.

    A record identical to what its source said last time (same record hash) is unchanged without
    reading or merging the stored row: that keeps re-ingests of present data cheap.
    """
    now = now or datetime.now(UTC)
    batch = _dedupe(records)
    counts = UpsertCounts()
    incoming = {r.id: _record_values(r) for r in batch}
    record_hashes = {paper_id: content_hash(tuple(values.values())) for paper_id, values in incoming.items()}
    known = _stored_hashes(conn, list(incoming))
    candidates = [r for r in batch if known.get(r.id) != record_hashes[r.id]]
    counts.unchanged = len(batch) - len(candidates)
    stored = _stored_rows(conn, [r.id for r in candidates if r.id in known])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    touched: list[PaperRecord] = []
    for record in candidates:
        old = stored.get(record.id)
        merged = _merge(old, incoming[record.id], record)
        if merged is None:
            counts.older += 1
            continue
        merged["record_hash"] = record_hashes[record.id]
        if old is not None and old["content_hash"] == merged["content_hash"]:
            counts.unchanged += 1
            conn.execute(update(papers).where(papers.c.id == record.id).values(record_hash=merged["record_hash"]))
            continue
        merged["updated_at"] = now
        (updates if old else inserts).append(merged)
        touched.append(record)
    if not touched:
        return counts
    first_seq = next_seq(conn, "papers", len(touched))
    for offset, row in enumerate(inserts + updates):
        row["seq"] = first_seq + offset
    for row in inserts:
        row["ingested_at"] = now
        row["upvotes"] = row["imported_upvotes"]
    bulk_insert(conn, papers, inserts)
    if updates:
        _apply_updates(conn, updates, stored)
    _write_children(conn, touched, {r["id"]: r for r in inserts + updates}, fresh={r["id"] for r in inserts})
    counts.inserted, counts.updated = len(inserts), len(updates)
    counts.changed_ids = [r.id for r in touched]
    return counts


def _apply_updates(conn: Connection, rows: list[dict[str, Any]], stored: dict[str, dict[str, Any]]) -> None:
    columns = [c for c in rows[0] if c not in ("id", "source")]
    for row in rows:  # keep community votes: shift upvotes by the change in imported upvotes
        old = stored[row["id"]]
        row["upvotes"] = old["upvotes"] + row["imported_upvotes"] - old["imported_upvotes"]
    columns.append("upvotes")
    statement = update(papers).where(papers.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in columns})
    conn.execute(statement, [{f"b_{c}": row[c] for c in [*columns, "id"]} for row in rows])


def _select_author_ids(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunked(names):
        for name, author_id in select_in(conn, "SELECT name, id FROM authors WHERE name", part):
            found[name] = author_id
    return found


def _author_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    """Ids for these display names, creating the missing authors."""
    ordered = sorted(names)
    found = _select_author_ids(conn, ordered)
    missing = [n for n in ordered if n not in found]
    if missing:
        bulk_insert(conn, authors, [{"name": n, "name_key": author_key(n)} for n in missing], ignore_conflicts=True)
        found.update(_select_author_ids(conn, missing))
    return found


def _write_children(
    conn: Connection, records: list[PaperRecord], rows: dict[str, dict[str, Any]], fresh: set[str]
) -> None:
    """Authors, categories and versions of the papers just inserted or updated."""
    with_authors = [r for r in records if r.authors]
    with_categories = [r for r in records if r.categories]
    stale = [r.id for r in with_authors if r.id not in fresh]
    for part in chunked(stale):
        conn.execute(delete(paper_authors).where(paper_authors.c.paper_id.in_(part)))
    ids = _author_ids(conn, {name for r in with_authors for name in r.authors})
    author_rows = [
        {"paper_id": r.id, "position": i, "author_id": ids[name]}
        for r in with_authors
        for i, name in enumerate(dict.fromkeys(r.authors))
    ]
    bulk_insert(conn, paper_authors, author_rows)
    stale = [r.id for r in with_categories if r.id not in fresh]
    for part in chunked(stale):
        conn.execute(delete(paper_categories).where(paper_categories.c.paper_id.in_(part)))
    category_ids = {c for r in with_categories for c in r.categories}
    if category_ids:
        category_rows = [{"id": c, "archive": c.split(".")[0]} for c in sorted(category_ids)]
        bulk_insert(conn, categories, category_rows, ignore_conflicts=True)
        bulk_insert(
            conn,
            paper_categories,
            [
                {"paper_id": r.id, "category_id": c, "position": i}
                for r in with_categories
                for i, c in enumerate(dict.fromkeys(r.categories))
            ],
        )
    version_rows = [_version_rows(r, rows[r.id]) for r in records]
    flat = [v for vs in version_rows for v in vs]
    bulk_insert(conn, paper_versions, flat, ignore_conflicts=True)


def _version_rows(record: PaperRecord, row: dict[str, Any]) -> list[dict[str, Any]]:
    versions = list(record.versions)
    if not versions:
        known = row["version"]
        when = row["updated"] if known > 1 else row["published"]
        versions = [VersionRecord(version=known, date=when)]
    return [{"paper_id": record.id, "version": v.version, "submitted": v.date} for v in versions]


def get_paper_row(conn: Connection, paper_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(papers).where(papers.c.id == paper_id)).mappings().first()
    return dict(row) if row else None


def first_appeared(conn: Connection, paper_id: str) -> tuple[date | None] | None:
    """(the earliest of the paper's first-version, publication and announcement dates,) or None when the
    paper is not stored; the date itself is None when no date is known."""
    row = conn.execute(select(papers.c.published, papers.c.announced).where(papers.c.id == paper_id)).first()
    if row is None:
        return None
    first_version = conn.execute(
        select(func.min(paper_versions.c.submitted)).where(paper_versions.c.paper_id == paper_id)
    ).scalar()
    known = [d for d in (row.published, row.announced, first_version) if isinstance(d, date)]
    return (min(known) if known else None,)


def get_versions(conn: Connection, paper_id: str) -> list[tuple[int, date | None]]:
    query = (
        select(paper_versions.c.version, paper_versions.c.submitted)
        .where(paper_versions.c.paper_id == paper_id)
        .order_by(paper_versions.c.version)
    )
    return [(v, d) for v, d in conn.execute(query)]


def split_authors(authors_text: str) -> list[str]:
    return [a for a in authors_text.split(AUTHOR_SEPARATOR) if a] if authors_text else []
