"""Build the built-in sample (src/paperwire/ingest/sample_data/) from a daily-listing file, at build time.

    .venv/bin/python bench/build_sample.py [--source FILE] [--max-papers 3000]

Takes the newest whole listing days whose papers add up to at most --max-papers, writes them as
papers.jsonl.gz (daily-listing records, only the fields paperwire reads), ingests them into a scratch
SQLite database with the product's own ingest service (so content hashes are the product's), embeds
them with the product's embedder (PAPERWIRE_EMBEDDER=minilm: all-MiniLM-L6-v2, ONNX int8) and stores the
vectors as int8 with one scale per row in vectors.npz, plus manifest.json. The product never reads the
source file: only what this script writes into the package.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from paperwire.config import load_settings
from paperwire.ingest import sample, sources
from paperwire.ingest.service import IngestService
from paperwire.search import store
from paperwire.search.dense import make_embedder
from paperwire.storage import documents, migrate
from paperwire.storage.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared/data/arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
KEEP = ("id", "title", "authors", "categories", "comment", "summary", "listing_date")
LICENSE = "arXiv metadata (titles, authors, abstracts, categories), CC0 1.0; full texts stay on arxiv.org"


def newest_days(source: Path, max_papers: int) -> list[dict[str, object]]:
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        records = [json.loads(line) for line in stream if line.strip()]
    per_day = Counter(str(r["listing_date"]) for r in records)
    days, total = set(), 0
    for day in sorted(per_day, reverse=True):
        if total + per_day[day] > max_papers:
            break
        days.add(day)
        total += per_day[day]
    chosen = [{k: r.get(k) for k in KEEP} for r in records if r["listing_date"] in days]
    return sorted(chosen, key=lambda r: (str(r["listing_date"]), str(r["id"])))


def write_papers(records: list[dict[str, object]], target: Path) -> None:
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as stream:  # reproducible bytes
        for record in records:
            stream.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    target.write_bytes(raw.getvalue())


def embed(papers_file: Path, scratch: Path) -> tuple[str, int, dict[str, tuple[str, np.ndarray]]]:
    """Ingest and embed in a scratch database exactly as `paperwire ingest file` + `index update` would."""
    settings = load_settings({}, database_url=f"sqlite:///{scratch / 'sample.db'}", index_dir=str(scratch / "idx"))
    embedder, db = make_embedder(settings), make_engine(settings)
    assert embedder is not None
    migrate.upgrade(db)
    sources.ingest_files(IngestService(db), [papers_file], "listing")
    started = time.perf_counter()
    count = store.embed_missing(db, embedder, progress=lambda n: print(f"  embedded +{n}", file=sys.stderr))
    print(f"embedded {count} papers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    docs = [d for batch in documents.iter_documents(db) for d in batch]
    vectors = documents.load_vectors(db, embedder.name, [d.id for d in docs])
    return embedder.name, embedder.dim, {d.id: (d.content_hash, vectors[d.id]) for d in docs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--max-papers", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=sample.SAMPLE_DIR)
    args = parser.parse_args()
    records = newest_days(args.source, args.max_papers)
    args.out.mkdir(parents=True, exist_ok=True)
    papers_file = args.out / sample.PAPERS_FILE
    write_papers(records, papers_file)
    with tempfile.TemporaryDirectory() as scratch:
        model, dim, vectors = embed(papers_file, Path(scratch))
    ids = sorted(vectors)
    codes, scales = sample.quantize(np.stack([vectors[i][1] for i in ids]))
    np.savez_compressed(
        args.out / sample.VECTORS_FILE,
        ids=np.array(ids),
        hashes=np.array([vectors[i][0] for i in ids]),
        vectors=codes,
        scales=scales,
    )
    days = sorted({str(r["listing_date"]) for r in records})
    digest = hashlib.sha256(args.source.read_bytes()).hexdigest()
    manifest = {
        "model": model,
        "dim": dim,
        "papers": len(ids),
        "first_day": days[0],
        "last_day": days[-1],
        "source": f"{args.source.name} (sha256 {digest[:16]}), the newest {len(days)} listing days",
        "license": LICENSE,
    }
    (args.out / sample.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
