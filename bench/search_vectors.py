"""Embed the tuning corpora once with the production embedder and cache the vectors under /tmp.

Usage: python bench/search_vectors.py [scifact] [arxiv-dev-judged] [arxiv-dev]
Writes CACHE/<set>-<hash>-docs.npy and -queries.json/.npy (the hash covers the texts and the embedder
name, so a changed corpus or model never reuses stale vectors). bench/search_floor.py reads them.
Embedding 5,183 SciFact documents takes a few minutes on 2 cores, the 20,000 arxiv-dev papers ~10 min.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from paperwire.search.dense import MiniLMEmbedder
from paperwire.search.evaluate import BeirDoc, load_beir

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("PAPERWIRE_BENCH_CACHE", "/tmp/paperwire-bench-vectors"))
SCIFACT = Path(os.environ.get("SCIFACT", HERE.parents[1] / "shared/data/beir-scifact"))


def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder(cache_dir=CACHE / "models")


def doc_text(doc: BeirDoc) -> str:
    """As search/store.py embedding_text composes a paper."""
    return f"{doc.title}. {doc.text}" if doc.title else doc.text


def _key(texts: list[str], model: str) -> str:
    digest = hashlib.sha256(model.encode())
    for text in texts:
        digest.update(text.encode() + b"\x1e")
    return digest.hexdigest()[:12]


def cached(name: str, texts: list[str], *, query: bool = False) -> np.ndarray:
    """The vectors of texts (documents or, with query=True, queries), embedded once per content."""
    model = embedder()
    path = CACHE / f"{name}-{_key(texts, model.name)}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    if query:
        vectors = np.stack([model.embed_query(t) for t in texts])
    else:
        parts = []
        for start in range(0, len(texts), 512):
            parts.append(model.embed_documents(texts[start : start + 512]))
            print(f"  {name}: {start + len(parts[-1])}/{len(texts)}", flush=True)
        vectors = np.concatenate(parts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors.astype(np.float32))
    print(f"{name}: {len(texts)} in {time.perf_counter() - started:.0f} s -> {path}", flush=True)
    return vectors


def scifact() -> tuple[list[BeirDoc], dict[str, dict[str, str]], np.ndarray, dict[str, np.ndarray]]:
    """(corpus, {split: queries}, doc vectors, {split: query vectors})."""
    splits = {s: load_beir(SCIFACT, s) for s in ("train", "test")}
    corpus = splits["train"].corpus
    docs = cached("scifact-docs", [doc_text(d) for d in corpus])
    queries = {s: d.queries for s, d in splits.items()}
    qv = {s: cached(f"scifact-{s}-queries", list(q.values()), query=True) for s, q in queries.items()}
    return corpus, queries, docs, qv


def judged_ids() -> set[str]:
    with (HERE / "arxiv_dev" / "judgments.tsv").open(encoding="utf-8") as handle:
        return {line.split("\t")[1] for line in handle if line.strip() and not line.startswith("query-id")}


def arxiv_dev(*, judged_only: bool = False) -> tuple[list[BeirDoc], dict[str, str], np.ndarray, np.ndarray]:
    """(corpus, queries, doc vectors, query vectors); judged_only: just the 1.6k pooled papers (calibration)."""
    sys.path.insert(0, str(HERE / "arxiv_dev"))
    import build

    corpus = [BeirDoc(d["_id"], d["title"], d["text"]) for d in build.corpus_docs()]
    if judged_only:
        wanted = judged_ids()
        corpus = [d for d in corpus if d.id in wanted]
    with (HERE / "arxiv_dev" / "queries.jsonl").open(encoding="utf-8") as handle:
        queries = {r["_id"]: r["text"] for r in map(json.loads, handle) if r}
    docs = cached("arxiv-dev-judged" if judged_only else "arxiv-dev-docs", [doc_text(d) for d in corpus])
    return corpus, queries, docs, cached("arxiv-dev-queries", list(queries.values()), query=True)


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["scifact", "arxiv-dev"]
    if "scifact" in wanted:
        scifact()
    if "arxiv-dev-judged" in wanted:
        arxiv_dev(judged_only=True)
    if "arxiv-dev" in wanted:
        arxiv_dev()
