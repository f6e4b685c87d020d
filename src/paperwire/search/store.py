"""Reading papers and reading/writing paper_embeddings with SQLAlchemy Core (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, and_, delete, func, insert, or_, select

from paperwire.search.builder import IndexDocument
from paperwire.search.interfaces import Embedder
from paperwire.storage.db import read_only
from paperwire.storage.tables import paper_embeddings, papers

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


def _document(row: object) -> IndexDocument:
    r = row._mapping  # type: ignore[attr-defined]
    return IndexDocument(
        id=r["id"],
        title=r["title"] or "",
        abstract=r["abstract"] or "",
        authors_text=r["authors_text"] or "",
        categories_text=r["categories_text"] or "",
        date=r["announced"] or r["published"] or r["submitted_on"],
        content_hash=r["content_hash"],
    )


def embedding_text(doc: IndexDocument) -> str:
    return f"{doc.title}. {doc.abstract}" if doc.title else doc.abstract


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


def _stale_query(model: str):  # type: ignore[no-untyped-def]
    on = and_(paper_embeddings.c.paper_id == papers.c.id, paper_embeddings.c.model == model)
    stale = or_(paper_embeddings.c.paper_id.is_(None), paper_embeddings.c.content_hash != papers.c.content_hash)
    return papers.outerjoin(paper_embeddings, on), stale


def count_missing_embeddings(engine: Engine, model: str) -> int:
    join, stale = _stale_query(model)
    with read_only(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(join).where(stale)).scalar_one())


def embed_missing(
    engine: Engine, embedder: Embedder, *, batch: int = 256, progress: Callable[[int], None] | None = None
) -> int:
    """Embed papers whose (model, content_hash) row is missing or stale; one transaction per batch,
    so a crash loses at most one batch and a rerun resumes. Returns how many were embedded."""
    join, stale = _stale_query(embedder.name)
    done, last = 0, ""
    while True:
        query = select(*_COLUMNS).select_from(join).where(stale, papers.c.id > last).order_by(papers.c.id)
        with read_only(engine) as conn:
            docs = [_document(row) for row in conn.execute(query.limit(batch))]
        if not docs:
            return done
        _store(engine, embedder, docs, embedder.embed_documents([embedding_text(d) for d in docs]))
        done, last = done + len(docs), docs[-1].id
        if progress is not None:
            progress(len(docs))


def _store(engine: Engine, embedder: Embedder, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "paper_id": d.id,
            "model": embedder.name,
            "content_hash": d.content_hash,
            "dim": embedder.dim,
            "vector": np.asarray(v, dtype="<f4").tobytes(),
            "created_at": now,
        }
        for d, v in zip(docs, vectors, strict=True)
    ]
    with engine.begin() as conn:
        ids = [d.id for d in docs]
        conn.execute(
            delete(paper_embeddings).where(
                paper_embeddings.c.model == embedder.name, paper_embeddings.c.paper_id.in_(ids)
            )
        )
        conn.execute(insert(paper_embeddings), rows)


def fetch_papers(engine: Engine, ids: Sequence[str]) -> dict[str, dict[str, object]]:
    """Display fields of these papers, for result pages."""
    columns = (
        papers.c.id,
        papers.c.title,
        papers.c.authors_text,
        papers.c.primary_category,
        papers.c.announced,
        papers.c.published,
        papers.c.upvotes,
    )
    found: dict[str, dict[str, object]] = {}
    for start in range(0, len(ids), 500):
        with read_only(engine) as conn:
            query = select(*columns).where(papers.c.id.in_(ids[start : start + 500]))
            found |= {row.id: dict(row._mapping) for row in conn.execute(query)}
    return found
