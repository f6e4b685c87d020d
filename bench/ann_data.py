"""Data for bench/ann.py: real MiniLM vectors, the big corpora, the two query kinds and the exact answers.

Real vectors come from the product's own embedder (`MiniLMEmbedder`, ONNX int8, the index's model) over the
product's embedding text ("title. abstract"): SciFact's 5,183 abstracts and the 20,000 arxiv-dev papers as
documents, SciFact's 300 test queries and the 62 arxiv-dev queries as queries (~10 min of CPU on two cores,
cached under CACHE). The corpus of N vectors is those 25,183 real rows followed by random unit vectors
(seeded), so every N is a prefix of the largest one and is written once, as one .npy file.

Two query kinds, reported apart:
- real: the 362 embedded query texts. Random unit vectors are nearly orthogonal to them, so their nearest
  neighbours are mostly real rows: easy for an ANN graph, like a search whose answers cluster.
- perturbed: a corpus row (uniform over the N rows, so mostly random rows) plus Gaussian noise of norm
  PERTURB_NORM, renormalised. Beyond the source row, its neighbours sit in 384-d random data with tiny
  score gaps: the hard case for an ANN index, a lower bound on its recall.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("PAPERWIRE_SHARED_DATA", "/work/shared/data"))
SCIFACT = SHARED / "beir-scifact"
ARXIV = SHARED / "arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
DIM = 384
PERTURB_NORM = 0.3  # noise norm of a perturbed query: cosine to its source ~0.96
FILTER_FRACTION = 0.10  # the filter of the filtered-search test keeps this share of rows
SEED = 20261203
BLOCK = 100_000  # corpus rows per block when writing or scanning it


@dataclass(frozen=True)
class Real:
    """Real document vectors (SciFact first, then arxiv-dev), their ids, and the real query vectors."""

    docs: np.ndarray  # float32 (n, 384), unit rows
    doc_ids: list[str]  # "scifact:<id>" or "arxiv:<id>"
    queries: np.ndarray  # float32 (q, 384)
    query_ids: list[str]  # "scifact:<id>" (test split) or "arxiv:<id>"


def _key(texts: list[str], model: str) -> str:
    digest = hashlib.sha256(model.encode())
    for text in texts:
        digest.update(text.encode() + b"\x1e")
    return digest.hexdigest()[:12]


def _embed(cache: Path, name: str, texts: list[str], *, query: bool) -> np.ndarray:
    """Vectors of texts with the product's embedder, cached by content and model name."""
    from paperwire.search.dense import MiniLMEmbedder

    model = MiniLMEmbedder(cache_dir=cache / "models")
    path = cache / f"{name}-{_key(texts, model.name)}.npy"
    if path.exists():
        return np.load(path)
    started, parts = time.perf_counter(), []
    if query:
        parts = [np.stack([model.embed_query(text) for text in texts])]
    else:
        for start in range(0, len(texts), 1024):
            parts.append(model.embed_documents(texts[start : start + 1024]))
            print(f"  embed {name}: {start + len(parts[-1])}/{len(texts)}", file=sys.stderr, flush=True)
    vectors = np.concatenate(parts).astype(np.float32)
    np.save(path, vectors)
    print(f"  embed {name}: {len(texts)} in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return vectors


def _jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_real(cache: Path) -> Real:
    """Embed (or read from the cache) every real document and query."""
    sys.path.insert(0, str(HERE / "arxiv_dev"))
    import build  # bench/arxiv_dev/build.py: the 20,000 arxiv-dev paper ids, read from the shared file

    scifact = _jsonl(SCIFACT / "corpus.jsonl.gz")
    arxiv = build.corpus_docs(ARXIV)
    texts = [f"{d['title']}. {d['text']}" if d.get("title") else d["text"] for d in scifact + arxiv]
    docs = np.concatenate(
        [
            _embed(cache, "scifact-docs", texts[: len(scifact)], query=False),
            _embed(cache, "arxiv-dev-docs", texts[len(scifact) :], query=False),
        ]
    )
    test = {line.split("\t")[0] for line in (SCIFACT / "qrels/test.tsv").read_text().splitlines()[1:]}
    scifact_queries = [q for q in _jsonl(SCIFACT / "queries.jsonl") if str(q["_id"]) in test]
    arxiv_queries = _jsonl(HERE / "arxiv_dev/queries.jsonl")
    queries = np.concatenate(
        [
            _embed(cache, "scifact-test-queries", [q["text"] for q in scifact_queries], query=True),
            _embed(cache, "arxiv-dev-queries", [q["text"] for q in arxiv_queries], query=True),
        ]
    )
    return Real(
        docs=docs,
        doc_ids=[f"scifact:{d['_id']}" for d in scifact] + [f"arxiv:{d['_id']}" for d in arxiv],
        queries=queries,
        query_ids=[f"scifact:{q['_id']}" for q in scifact_queries] + [f"arxiv:{q['_id']}" for q in arxiv_queries],
    )


def write_corpus(cache: Path, real: Real, size: int) -> Path:
    """corpus-<size>.npy: the real rows, then seeded random unit vectors; written once (rows of block b
    come from a generator seeded with (SEED, b), so a prefix of a bigger corpus is the same data)."""
    path = cache / f"corpus-{size}.npy"
    if path.exists():
        return path
    partial = path.with_suffix(".part.npy")
    matrix = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float32, shape=(size, DIM))
    matrix[: len(real.docs)] = real.docs[:size]
    for start in range(len(real.docs), size, BLOCK):
        end = min(size, start + BLOCK)
        rows = np.random.default_rng((SEED, start)).standard_normal((end - start, DIM), dtype=np.float32)
        matrix[start:end] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    matrix.flush()
    del matrix
    partial.replace(path)
    return path


def perturbed_queries(corpus: np.ndarray, count: int) -> np.ndarray:
    """Copies of `count` corpus rows (uniform, seeded) plus Gaussian noise of norm PERTURB_NORM, renormalised."""
    rng = np.random.default_rng((SEED, len(corpus)))
    sources = np.sort(rng.choice(len(corpus), size=count, replace=False))
    noise = rng.standard_normal((count, DIM), dtype=np.float32) * (PERTURB_NORM / np.sqrt(DIM))
    queries = np.asarray(corpus[sources], dtype=np.float32) + noise
    return (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)


def filter_mask(size: int) -> np.ndarray:
    """The filter of the filtered-search test: FILTER_FRACTION of the rows, uncorrelated with the vectors."""
    return np.random.default_rng((SEED, size, 1)).random(size) < FILTER_FRACTION


def exact_top(corpus: np.ndarray, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """The exact fp32 top-k rows of every query (best first), scanning the corpus block by block."""
    best_rows = np.zeros((len(queries), 0), np.int64)
    best_scores = np.zeros((len(queries), 0), np.float32)
    for start in range(0, len(corpus), BLOCK):
        scores = queries @ np.asarray(corpus[start : start + BLOCK], dtype=np.float32).T
        if mask is not None:
            scores[:, ~mask[start : start + BLOCK]] = -np.inf
        take = min(k, scores.shape[1])
        top = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        best_rows = np.concatenate([best_rows, top + start], axis=1)
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
        keep = np.argsort(-best_scores, axis=1, kind="stable")[:, :k]
        best_rows = np.take_along_axis(best_rows, keep, axis=1)
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
    return best_rows
