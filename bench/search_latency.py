"""Search latency at production size: the arXiv cs daily file (74,728 papers) in a scratch SQLite DB, or
any database filled by `paperwire ingest file` (--db; e.g. ~300k papers: cs daily + OAI-DC 2016-2017).

Usage: python bench/search_latency.py [FILE] [--limit N] [--doc-vectors real|random] [--queries 200]
       python bench/search_latency.py --db sqlite:////tmp/big.db [--queries 200]

--doc-vectors random keeps the real MiniLM for *queries* but gives documents random unit vectors, so the
74k-paper latency (query embedding + 74k x 384 dot products + BM25 + fusion + DB page fetch) is measured
without embedding 74k abstracts on 2 cores; the real embedding rate is measured on --embed-sample papers
and the full embedding time is extrapolated from it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from sqlalchemy import insert, select

from paperwire.domain.papers import content_hash
from paperwire.search.dense import MiniLMEmbedder
from paperwire.search.evaluate import _percentile
from paperwire.search.service import SearchService
from paperwire.storage.db import make_engine
from paperwire.storage.tables import METADATA, papers

DEFAULT = "/work/shared/data/arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"


class RandomDocumentsMiniLM(MiniLMEmbedder):
    """Real MiniLM for queries, random unit vectors for documents (latency only, not quality)."""

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        vectors = np.random.default_rng(len(texts)).standard_normal((len(texts), self.dim)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def read_papers(path: str, limit: int) -> list[dict]:
    now, rows = datetime.now(UTC), []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for seq, line in enumerate(handle, start=1):
            item = json.loads(line)
            title, abstract = " ".join(item["title"].split()), " ".join(item["summary"].split())
            rows.append(
                {
                    "id": item["id"],
                    "version": 1,
                    "title": title,
                    "abstract": abstract,
                    "code_links": [],
                    "authors_text": "; ".join(item.get("authors") or []),
                    "categories_text": " ".join(item.get("categories") or []),
                    "primary_category": (item.get("categories") or [None])[0],
                    "source": "bench",
                    "announced": date.fromisoformat(item["listing_date"]) if item.get("listing_date") else None,
                    "content_hash": content_hash((title, abstract)),
                    "upvotes": 0,
                    "imported_upvotes": 0,
                    "ingested_at": now,
                    "updated_at": now,
                    "seq": seq,
                }
            )
            if limit and len(rows) >= limit:
                break
    return rows


def _queries(rows: list[dict], count: int) -> list[str]:
    rng = random.Random(0)
    sample = rng.sample(rows, min(count, len(rows)))
    fixed = [
        "diffusion transformers",
        "retrieval augmented generation",
        "graph neural networks for molecules",
        '"large language models" cat:cs.CL',
        "author:bengio after:2025-06-01",
        "reinforcement learning robots",
    ]
    return fixed + [" ".join(r["title"].split()[:6]) for r in sample]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--doc-vectors", choices=("real", "random"), default="random")
    parser.add_argument("--embed-sample", type=int, default=500)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", default="", help="use this ingested database instead of loading FILE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paperwire-latency-") as scratch:
        if args.db:
            engine = make_engine(args.db)
            with engine.connect() as conn:
                rows = [{"title": title} for title in conn.scalars(select(papers.c.title))]  # queries only
            args.embed_sample = 0
            print(f"papers: {len(rows):,}  (from {args.db})")
        else:
            rows = read_papers(args.file, args.limit)
            engine = make_engine(f"sqlite:///{scratch}/bench.db")
            METADATA.create_all(engine)
            started = time.perf_counter()
            with engine.begin() as conn:
                for start in range(0, len(rows), 2000):
                    conn.execute(insert(papers), rows[start : start + 2000])
            print(f"papers: {len(rows):,}  (loaded into SQLite in {time.perf_counter() - started:.1f} s)")
        cache = Path(scratch) / "models"
        embedder = (RandomDocumentsMiniLM if args.doc_vectors == "random" else MiniLMEmbedder)(cache_dir=cache)
        if args.embed_sample:
            _embed_rate(rows[: args.embed_sample], len(rows), cache)
        service = SearchService(engine, index_dir=Path(scratch) / "index", embedder=embedder)
        started, cpu = time.perf_counter(), time.process_time()
        report = service.rebuild_index()
        print(
            f"index rebuild (embedding step + index): {time.perf_counter() - started:.1f} s "
            f"(cpu {time.process_time() - cpu:.1f} s), {report}"
        )
        size = sum(p.stat().st_size for p in (Path(scratch) / "index").rglob("*") if p.is_file())
        print(
            f"index on disk: {size / 2**20:.0f} MiB; "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        _latency(service, _queries(rows, args.queries))
        engine.dispose()


def _embed_rate(rows: list[dict], total: int, cache: Path) -> None:
    model = MiniLMEmbedder(cache_dir=cache)
    model.embed_documents(["warm up"])
    started = time.perf_counter()
    model.embed_documents([f"{r['title']}. {r['abstract']}" for r in rows])
    rate = len(rows) / (time.perf_counter() - started)
    print(
        f"real embedding rate ({model.name}): {rate:.1f} papers/s -> {total:,} papers in ~{total / rate / 60:.0f} min"
    )


def _latency(service: SearchService, queries: list[str], rounds: int = 2) -> None:
    """Modes interleaved per query (so a burst of load on the shared box hits all three), `rounds` passes."""
    service.search(queries[0])  # load index and model
    modes = ("lexical", "semantic", "hybrid")
    timings: dict[str, list[float]] = {mode: [] for mode in modes}
    cpu = time.process_time()
    for _ in range(rounds):
        for query in queries:
            for mode in modes:
                started = time.perf_counter()
                service.search(query, mode=mode, limit=20)
                timings[mode].append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / (rounds * len(queries) * len(modes))
    for mode in modes:
        print(
            f"{mode:9s} p50 {_percentile(timings[mode], 50):6.1f} ms  p95 {_percentile(timings[mode], 95):6.1f} ms  "
            f"({len(timings[mode])} searches of {len(queries)} queries, incl. query embedding and DB page fetch)"
        )
    print(
        f"mean cpu per search {cpu_ms:.1f} ms; load average {os.getloadavg()}; "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
