"""Real MiniLM vectors for the 74,728 arXiv cs papers of ../shared/data/arxiv-daily, computed once and cached.

The personal-feed (issue 11) and topic-map (issue 15) benchmarks need the embedding of every paper, as the
search index stores it: the product's default embedder over the product's embedding text. Embedding takes
~25 ms of CPU per paper (30+ min on two shared cores), so the result is cached under bench/results/
(gitignored) and every benchmark loads it through `load()`; a run resumes from the chunks already written.

    .venv/bin/python bench/corpus_vectors.py          # compute (or finish) the cache, print where it is
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CS_FILE = ROOT.parent / "shared/data/arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
CACHE = ROOT / "bench/results/arxiv-cs-vectors"
CHUNK = 2048


@dataclass(frozen=True)
class Corpus:
    """The papers in file order and their unit vectors (row i belongs to papers[i])."""

    papers: list[dict[str, Any]]
    vectors: np.ndarray  # float32, (n, 384), L2-normalised


def read_papers(path: Path = CS_FILE) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _text(paper: dict[str, Any]) -> str:
    from paperwire.search.store import embedding_text
    from paperwire.storage.documents import IndexDocument

    return embedding_text(IndexDocument(id=paper["id"], title=paper["title"] or "", abstract=paper["summary"] or ""))


def _chunk_path(index: int) -> Path:
    return CACHE / f"chunk-{index:04d}.npy"


def compute(papers: list[dict[str, Any]]) -> None:
    from paperwire.search.dense import MiniLMEmbedder

    CACHE.mkdir(parents=True, exist_ok=True)
    embedder = MiniLMEmbedder()
    chunks = range(0, len(papers), CHUNK)
    started = time.monotonic()
    for number, start in enumerate(chunks):
        target = _chunk_path(number)
        if target.is_file():
            continue
        vectors = embedder.embed_documents([_text(p) for p in papers[start : start + CHUNK]])
        partial = target.with_suffix(".part.npy")
        np.save(partial, vectors.astype(np.float16))
        partial.replace(target)
        done = min(start + CHUNK, len(papers))
        print(f"{done}/{len(papers)} papers, {time.monotonic() - started:.0f} s", flush=True)
    (CACHE / "meta.json").write_text(json.dumps({"model": embedder.name, "papers": len(papers), "chunk": CHUNK}))


def load() -> Corpus:
    """The cached corpus; raises with the command to run when the cache is missing or incomplete."""
    papers = read_papers()
    count = (len(papers) + CHUNK - 1) // CHUNK
    missing = [i for i in range(count) if not _chunk_path(i).is_file()]
    if missing:
        raise SystemExit(f"{len(missing)} of {count} vector chunks missing: run bench/corpus_vectors.py first")
    vectors = np.concatenate([np.load(_chunk_path(i)) for i in range(count)]).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return Corpus(papers=papers, vectors=vectors)


if __name__ == "__main__":
    compute(read_papers())
    print(f"cached in {CACHE}", file=sys.stderr)
