"""What the search index is built from: papers as documents, and the stored embeddings (paper_embeddings).

The search package decides what to embed and how to index; this module only reads and writes rows,
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Engine, Join, and_, delete, func, insert, or_, select

from paperwire.domain.papers import content_hash
from paperwire.storage.db import read_only
from paperwire.storage.tables import METADATA, paper_embeddings, papers

_COLUMNS = (
    papers.c.id,
    papers.c.title,
    papers.c.abstract,
    papers.c.authors_text,
    papers.c.categories_text,
    papers.c.announced,
    papers.c.published,
    papers.c.submitted_on,
    papers.c.content_hash,
)


@dataclass(frozen=True, kw_only=True)
class IndexDocument:
    id: str
    title: str
    abstract: str
    authors_text: str = ""  # "A; B; C"
    categories_text: str = ""  # "cs.LG cs.AI"
    date: date | None = None
    content_hash: str = ""


def _document(row: Any) -> IndexDocument:
    r = row._mapping
    return IndexDocument(
        id=r["id"],
        title=r["title"] or "",
        abstract=r["abstract"] or "",
        authors_text=r["authors_text"] or "",
        categories_text=r["categories_text"] or "",
        date=r["announced"] or r["published"] or r["submitted_on"],
        content_hash=r["content_hash"],
    )


def max_seq(engine: Engine) -> int:
    with read_only(engine) as conn:
        return int(conn.execute(select(func.coalesce(func.max(papers.c.seq), 0))).scalar_one())


def iter_documents(engine: Engine, *, after_seq: int = 0, batch: int = 2000) -> Iterator[list[IndexDocument]]:
    """Papers with seq > after_seq, in id order, a batch at a time (keyset pagination)."""
    last = ""
    while True:
        query = select(*_COLUMNS).where(papers.c.seq > after_seq, papers.c.id > last).order_by(papers.c.id)
        with read_only(engine) as conn:
            rows = [_document(row) for row in conn.execute(query.limit(batch))]
        if not rows:
            return
        yield rows
        last = rows[-1].id


def count_documents(engine: Engine, *, after_seq: int = 0) -> int:
    with read_only(engine) as conn:
        return int(conn.execute(select(func.count()).where(papers.c.seq > after_seq)).scalar_one())


def load_vectors(engine: Engine, model: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """Stored vectors of these papers whose content_hash still matches the paper's."""
    found: dict[str, np.ndarray] = {}
    join = paper_embeddings.join(papers, papers.c.id == paper_embeddings.c.paper_id)
    for start in range(0, len(ids), 500):
        query = (
            select(paper_embeddings.c.paper_id, paper_embeddings.c.vector)
            .select_from(join)
            .where(paper_embeddings.c.model == model, paper_embeddings.c.paper_id.in_(ids[start : start + 500]))
            .where(paper_embeddings.c.content_hash == papers.c.content_hash)
        )
        with read_only(engine) as conn:
            found |= {pid: np.frombuffer(blob, dtype="<f4") for pid, blob in conn.execute(query)}
    return found


def _stale(model: str) -> tuple[Join, ColumnElement[bool]]:
    on = and_(paper_embeddings.c.paper_id == papers.c.id, paper_embeddings.c.model == model)
    stale = or_(paper_embeddings.c.paper_id.is_(None), paper_embeddings.c.content_hash != papers.c.content_hash)
    return papers.outerjoin(paper_embeddings, on), stale


def count_missing_embeddings(engine: Engine, model: str) -> int:
    join, stale = _stale(model)
    with read_only(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(join).where(stale)).scalar_one())


def missing_embeddings(engine: Engine, model: str, after_id: str, limit: int) -> list[IndexDocument]:
    """Papers after `after_id` (id order) whose (model, content_hash) vector is missing or stale."""
    join, stale = _stale(model)
    query = select(*_COLUMNS).select_from(join).where(stale, papers.c.id > after_id).order_by(papers.c.id)
    with read_only(engine) as conn:
        return [_document(row) for row in conn.execute(query.limit(limit))]


def store_vectors(engine: Engine, model: str, dim: int, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None:
    """Replace these papers' vectors of `model` in one transaction."""
    now = datetime.now(UTC)
    rows = [
        {
            "paper_id": d.id,
            "model": model,
            "content_hash": d.content_hash,
            "dim": dim,
            "vector": np.asarray(v, dtype="<f4").tobytes(),
            "created_at": now,
        }
        for d, v in zip(docs, vectors, strict=True)
    ]
    with engine.begin() as conn:
        ids = [d.id for d in docs]
        conn.execute(
            delete(paper_embeddings).where(paper_embeddings.c.model == model, paper_embeddings.c.paper_id.in_(ids))
        )
        conn.execute(insert(paper_embeddings), rows)


def load_scratch_corpus(engine: Engine, docs: Sequence[tuple[str, str, str]]) -> None:
    """Create the schema in an empty scratch database and store (id, title, text) documents as papers
    (evaluation runs: BEIR corpora have no authors, categories or dates)."""
    METADATA.create_all(engine)
    now = datetime.now(UTC)
    rows = [
        {
            "id": doc_id,
            "version": 1,
            "title": title,
            "abstract": text,
            "code_links": [],
            "authors_text": "",
            "categories_text": "",
            "source": "beir",
            "upvotes": 0,
            "imported_upvotes": 0,
            "content_hash": content_hash((title, text)),
            "ingested_at": now,
            "updated_at": now,
            "seq": seq,
        }
        for seq, (doc_id, title, text) in enumerate(docs, start=1)
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), 1000):
            conn.execute(insert(papers), rows[start : start + 1000])


def store_precomputed_vectors(engine: Engine, model: str, dim: int, vectors: dict[str, tuple[str, np.ndarray]]) -> int:
    """Store vectors computed elsewhere ({paper_id: (content_hash, vector)}) for the papers whose content
    still has that hash and that have no current vector of `model`; returns how many were stored."""
    now = datetime.now(UTC)
    stored = 0
    ids = list(vectors)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        join, stale = _stale(model)
        query = select(papers.c.id, papers.c.content_hash).select_from(join).where(stale, papers.c.id.in_(chunk))
        with engine.begin() as conn:
            wanted = [(pid, digest) for pid, digest in conn.execute(query) if vectors[pid][0] == digest]
            if not wanted:
                continue
            conn.execute(
                delete(paper_embeddings).where(
                    paper_embeddings.c.model == model, paper_embeddings.c.paper_id.in_([pid for pid, _ in wanted])
                )
            )
            rows = [
                {
                    "paper_id": pid,
                    "model": model,
                    "content_hash": digest,
                    "dim": dim,
                    "vector": np.asarray(vectors[pid][1], dtype="<f4").tobytes(),
                    "created_at": now,
                }
                for pid, digest in wanted
            ]
            conn.execute(insert(paper_embeddings), rows)
            stored += len(rows)
    return stored


def count_papers(engine: Engine) -> int:
    with read_only(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(papers)).scalar_one())
