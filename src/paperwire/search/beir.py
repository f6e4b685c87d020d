"""`paperwire eval beir`: load a BEIR dataset into a scratch SQLite database, index it, score each mode."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from paperwire.search.evaluate import BeirDoc, evaluate_run, load_beir
from paperwire.search.interfaces import Embedder
from paperwire.search.ranking import MODES
from paperwire.search.service import Progress, SearchService
from paperwire.storage import documents
from paperwire.storage.db import make_engine


def load_corpus(engine: Engine, docs: Sequence[BeirDoc]) -> None:
    documents.load_scratch_corpus(engine, [(doc.id, doc.title, doc.text) for doc in docs])


def run_beir(
    directory: str | Path,
    *,
    embedder: Embedder | None,
    split: str = "test",
    limit_queries: int | None = None,
    modes: Sequence[str] = MODES,
    progress: Progress | None = None,
) -> dict[str, dict[str, float]]:
    """Metrics per mode; semantic and hybrid are skipped without an embedder."""
    data = load_beir(directory, split)
    queries = dict(list(data.queries.items())[:limit_queries] if limit_queries else data.queries.items())
    with tempfile.TemporaryDirectory(prefix="paperwire-beir-") as scratch:
        engine = make_engine(f"sqlite:///{scratch}/beir.db")
        try:
            load_corpus(engine, data.corpus)
            service = SearchService(engine, index_dir=Path(scratch) / "index", embedder=embedder)
            service.rebuild_index(progress)
            usable = [m for m in modes if embedder is not None or m == "lexical"]
            return {mode: _run_mode(service, mode, queries, data.qrels) for mode in usable}
        finally:
            engine.dispose()


def _run_mode(service: SearchService, mode: str, queries: dict[str, str], qrels: Any) -> dict[str, float]:
    return evaluate_run(lambda text: service.rank_ids(text, mode=mode, limit=100), queries, qrels)
