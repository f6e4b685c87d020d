"""Keeping stored embeddings in step with the papers: embed what is missing, in committed batches."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlalchemy import Engine

from paperwire.search.interfaces import Embedder
from paperwire.storage import documents
from paperwire.storage.documents import IndexDocument

PROGRESS_STEP = 64  # papers per progress tick (~1-3 s of embedding on 2 cores); commits stay per batch


def embedding_text(doc: IndexDocument) -> str:
    return f"{doc.title}. {doc.abstract}" if doc.title else doc.abstract


def embed_missing(
    engine: Engine, embedder: Embedder, *, batch: int = 256, progress: Callable[[int], None] | None = None
) -> int:
    """Embed papers whose (model, content_hash) row is missing or stale; one transaction per batch,
    so a crash loses at most one batch and a rerun resumes. Returns how many were embedded."""
    done, last = 0, ""
    while True:
        docs = documents.missing_embeddings(engine, embedder.name, last, batch)
        if not docs:
            return done
        texts = [embedding_text(d) for d in docs]
        parts = []
        for start in range(0, len(texts), PROGRESS_STEP):  # a live bar: progress every PROGRESS_STEP papers
            parts.append(embedder.embed_documents(texts[start : start + PROGRESS_STEP]))
            if progress is not None:
                progress(len(parts[-1]))
        documents.store_vectors(engine, embedder.name, embedder.dim, docs, np.concatenate(parts))
        done, last = done + len(docs), docs[-1].id
