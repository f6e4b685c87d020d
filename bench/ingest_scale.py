"""Ingest throughput at 3,000,000 papers: does it degrade as the table grows? (issue 14)

One run, one fresh database, three batches of a million papers, each one `paperwire ingest file`
subprocess (the product's bulk path, as an operator runs it):

1. the first million: generated papers (bench/scale_corpus.py, seed 1) into the empty table;
2. the second million: the 288,059 real papers of ../shared/data (arxiv-daily cs + astro-ph listings and
   the 2016-2017 oai_dc days) and 711,941 generated ones (seed 2);
3. the last million: generated papers (seed 3) into a table of 2,000,000.

Batches 1 and 3 are the same kind of input, so their rates compare the empty table with the full one.
Reported per batch: wall seconds, papers/s, the child's CPU seconds and peak RSS, the database's size after.

    .venv/bin/python bench/ingest_scale.py [--postgres postgresql://postgres@127.0.0.1/test] [--per-batch N]

The generated files are written under bench/results/scale-corpus/ (gitignored) and reused by later runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_bulk import SHARED, fresh_database, paperwire
from scale_corpus import DAILY, Source, write

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench/results/scale-corpus"
REAL = 288_059


def generated(papers: int, seed: int, source: list[Source]) -> list[Path]:
    """The seed's file of `papers` generated papers, written once."""
    path = CORPUS / f"{papers}" / f"generated-s{seed}-00.jsonl.gz"
    if path.is_file():
        return [path]
    if not source:
        source.append(Source(sorted(DAILY.glob("arxiv-daily-*.jsonl.gz"))))
    return write(path.parent, papers, 1, seed, source[0])


def papers_in(url: str) -> int:
    """Rows in the papers table, counted (not summed from the reports: a paper listed twice is one row)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        found = int(conn.execute(text("SELECT count(*) FROM papers")).scalar_one())
    engine.dispose()
    return found


def size_mb(url: str, workdir: Path) -> float:
    if url.startswith("sqlite"):
        return round(sum(p.stat().st_size for p in workdir.glob("bench.db*")) / 2**20, 1)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        found = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return round(found / 2**20, 1)


def ingest_batches(url: str, workdir: Path, batches: list[tuple[str, list[tuple[str, list[Path]]]]]) -> list[dict]:
    """Migrate the fresh database, then run each batch's ingest calls; one report row per batch."""
    paperwire(["db", "upgrade"], url)
    rows: list[dict] = []
    for name, calls in batches:
        report = {"read": 0, "inserted": 0, "updated": 0, "unchanged": 0, "skipped": 0, "cpu_s": 0.0}
        seconds, peak = 0.0, 0
        for kind, files in calls:
            part, took, high = paperwire(["ingest", "file", "--format", kind, *map(str, files), "--json"], url)
            seconds, peak = seconds + took, max(peak, high)
            report = {key: report[key] + part[key] for key in report}
        rows.append(
            {
                "batch": name,
                **{key: report[key] for key in ("read", "inserted", "updated", "unchanged", "skipped")},
                "table_after": papers_in(url),
                "seconds": round(seconds, 1),
                "papers_per_s": round(report["read"] / seconds),
                "cpu_s": report["cpu_s"],
                "peak_rss_mb": peak,
                "database_mb_after": size_mb(url, workdir),
                "load_average": [round(x, 1) for x in os.getloadavg()],
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def drop_database(url: str) -> None:
    """The benchmark's PostgreSQL database goes when it ends (7 GB at 3M rows)."""
    base, name = url.rsplit("/", 1)
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://") + "/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="this PostgreSQL server instead of SQLite (a fresh database on it)")
    parser.add_argument("--per-batch", type=int, default=1_000_000, help="papers per batch (3 batches)")
    parser.add_argument("--no-real", action="store_true", help="batch 2 generated only (a quick run at small sizes)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    listings = sorted(DAILY.glob("arxiv-daily-*.jsonl.gz"))
    oai_days = sorted((SHARED / "arxiv-oai-dc-2016-2017").glob("*/*.json.gz"))
    if args.no_real:
        listings, oai_days = [], []
    elif args.per_batch <= REAL:
        sys.exit(f"--per-batch must exceed the {REAL:,} real papers that batch 2 holds")
    source: list[Source] = []
    # One `paperwire ingest file` call per format (a day file with no records cannot tell its format).
    batches: list[tuple[str, list[tuple[str, list[Path]]]]] = [
        ("first: generated", [("listing", generated(args.per_batch, 1, source))]),
        (
            "second: real + generated" if listings else "second: generated",
            [
                ("listing", [*listings, *generated(args.per_batch - (REAL if listings else 0), 2, source)]),
                *([("oai-dc", oai_days)] if oai_days else []),
            ],
        ),
        ("last: generated", [("listing", generated(args.per_batch, 3, source))]),
    ]
    with tempfile.TemporaryDirectory(dir=ROOT / "bench/results") as tmp:
        workdir = Path(tmp)
        url = fresh_database(args.postgres, workdir)
        try:
            rows = ingest_batches(url, workdir, batches)
        finally:
            if args.postgres:
                drop_database(url)
    first, last = rows[0], rows[-1]
    result = {
        "database": "postgresql" if args.postgres else "sqlite",
        "per_batch": args.per_batch,
        "date": datetime.now(UTC).isoformat(timespec="minutes"),
        "batches": rows,
        "last_vs_first_rate": round(last["papers_per_s"] / first["papers_per_s"], 3),
        "last_vs_first_cpu_per_paper": round((last["cpu_s"] / last["read"]) / (first["cpu_s"] / first["read"]), 3),
    }
    out = args.out or ROOT / f"bench/results/ingest-scale-{result['database']}-{int(time.time())}.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
