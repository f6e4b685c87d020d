"""Bulk ingest benchmark: first ingest, re-ingest, and peak memory of streaming the oai-dc set.

    .venv/bin/python bench/ingest_bulk.py                 # SQLite, the 74,728-paper cs listing file
    .venv/bin/python bench/ingest_bulk.py --postgres postgresql://postgres@127.0.0.1/test
    .venv/bin/python bench/ingest_bulk.py --oai-dc        # all 213,331 oai_dc records, peak RSS

Each run is a fresh `paperwire ingest file` subprocess, so its peak RSS (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CS_FILE = next((SHARED / "arxiv-daily").glob("arxiv-daily-cs_*.jsonl.gz"), None)


def paperwire(args: list[str], database_url: str) -> tuple[dict, float, int]:
    """Run one CLI command; returns (json report, wall seconds, peak RSS in MB of that child).

    The child's CPU seconds (user + system) go into the report as `cpu_s`: on a shared machine they
    say more than wall time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env["PAPERWIRE_DATABASE_URL"] = database_url
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "paperwire", *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"paperwire {' '.join(args)} failed:\n{done.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
    report["cpu_s"] = round(usage.ru_utime + usage.ru_stime - cpu_before, 1)
    return report, elapsed, max(usage.ru_maxrss, before) // 1024


def fresh_database(postgres: str | None, workdir: Path) -> str:
    if not postgres:
        return f"sqlite:///{workdir / 'bench.db'}"
    name = f"paperwire_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        postgres.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return postgres.rsplit("/", 1)[0] + "/" + name


def bench_listing(postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(postgres, Path(tmp))
        paperwire(["db", "upgrade"], url)
        first, first_s, first_rss = paperwire(["ingest", "file", str(CS_FILE), "--json"], url)
        again, again_s, _ = paperwire(["ingest", "file", str(CS_FILE), "--json"], url)
        print(
            json.dumps(
                {
                    "database": "postgresql" if postgres else "sqlite",
                    "papers": first["inserted"],
                    "first_ingest_s": round(first_s, 1),
                    "first_papers_per_s": round(first["read"] / first_s),
                    "first_cpu_s": first["cpu_s"],
                    "first_peak_rss_mb": first_rss,
                    "reingest_s": round(again_s, 1),
                    "reingest_cpu_s": again["cpu_s"],
                    "reingest_unchanged": again["unchanged"],
                    "reingest_speedup": round(first_s / again_s, 2),
                    "reingest_cpu_speedup": round(first["cpu_s"] / again["cpu_s"], 2),
                    "load_average": os.getloadavg(),
                },
                indent=2,
            )
        )


def bench_oai_dc() -> None:
    """Stream every oai_dc day file through one process into SQLite; report time and its peak RSS."""
    files = sorted((SHARED / "arxiv-oai-dc-2016-2017").glob("*/*.json.gz"))
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(None, Path(tmp))
        paperwire(["db", "upgrade"], url)
        args = ["ingest", "file", *map(str, files), "--format", "oai-dc", "--json"]
        report, seconds, peak = paperwire(args, url)
        print(
            json.dumps(
                {
                    "files": len(files),
                    "records": report["read"],
                    "inserted": report["inserted"],
                    "seconds": round(seconds),
                    "cpu_s": report["cpu_s"],
                    "records_per_s": round(report["read"] / seconds),
                    "load_average": os.getloadavg(),
                    "peak_rss_mb": peak,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="benchmark this PostgreSQL server instead of SQLite")
    parser.add_argument("--oai-dc", action="store_true", help="stream the 213,331-record oai_dc set")
    arguments = parser.parse_args()
    if CS_FILE is None:
        sys.exit("../shared/data/arxiv-daily is not present")
    if arguments.oai_dc:
        bench_oai_dc()
    else:
        bench_listing(arguments.postgres)
