"""Upvote load benchmark: concurrent HTTP clients voting through the Bearer API of real uvicorn processes.

    .venv/bin/python bench/votes_load.py                                  # SQLite (WAL), 1 process
    .venv/bin/python bench/votes_load.py --processes 2                    # SQLite, 2 processes
    .venv/bin/python bench/votes_load.py --postgres postgresql://postgres@127.0.0.1/test --processes 2

Every vote is a unique (user, paper) pair, rate limits stay on (each user stays under its per-minute
limit), and the run checks afterwards that papers.upvotes equals the number of vote rows. Prints JSON:
votes/s, latency percentiles, HTTP statuses, and how many answers mentioned "database is locked".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paperwire.storage import migrate  # noqa: E402
from paperwire.storage.community_tables import votes  # noqa: E402
from paperwire.storage.db import make_engine, normalize_url  # noqa: E402
from paperwire.storage.papers import upsert_papers  # noqa: E402
from paperwire.storage.tables import papers  # noqa: E402
from paperwire.storage.users import insert_api_token, insert_user  # noqa: E402
from tests.factories import make_record  # noqa: E402
from tests.smtpserver import free_port  # noqa: E402
from tests.unit.community.support import uvicorn_server  # noqa: E402


def seed(database_url: str, users: int, papers_count: int) -> tuple[list[str], list[str]]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    records = [make_record(id=f"2599.{i:05d}") for i in range(papers_count)]
    tokens = []
    with engine.begin() as conn:
        upsert_papers(conn, records)
        for number in range(users):
            user_id = insert_user(
                conn,
                email=f"bench{number}@example.org",
                password_hash="x",
                display_name=f"bench {number}",
                bio="",
                email_verified=True,
                is_admin=False,
                is_banned=False,
                created_at=now - timedelta(days=2),
            )
            token = "pw_" + secrets.token_urlsafe(24)
            insert_api_token(conn, user_id, "bench", token, now)
            tokens.append(token)
    engine.dispose()
    return tokens, [r.id for r in records]


async def run_clients(
    bases: list[str], jobs: list[tuple[str, str]], concurrency: int
) -> tuple[list[float], Counter[str]]:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=bases[number % len(bases)], timeout=60) as http:
            while not queue.empty():
                token, paper_id = queue.get_nowait()
                started = time.perf_counter()
                response = await http.post(f"/api/papers/{paper_id}/vote", headers={"Authorization": f"Bearer {token}"})
                latencies.append(time.perf_counter() - started)
                outcomes[str(response.status_code)] += 1
                if "locked" in response.text:
                    outcomes["database is locked"] += 1

    await asyncio.gather(*(client(n) for n in range(concurrency)))
    return latencies, outcomes


def measure(database_url: str, args: argparse.Namespace, index_dir: str) -> dict[str, object]:
    tokens, paper_ids = seed(database_url, args.users, args.papers)
    jobs = [(token, paper_id) for paper_id in paper_ids for token in tokens]  # users interleaved
    env = {
        "PAPERWIRE_DATABASE_URL": database_url,
        "PAPERWIRE_MAIL_BACKEND": "memory",
        "PAPERWIRE_EMBEDDER": "none",
        "PAPERWIRE_INDEX_DIR": index_dir,
        "PAPERWIRE_VOTES_PER_MINUTE": str(max(60, args.papers)),
    }
    with ExitStack() as stack:
        bases = [stack.enter_context(uvicorn_server(env, free_port())) for _ in range(args.processes)]
        started = time.perf_counter()
        latencies, outcomes = asyncio.run(run_clients(bases, jobs, args.concurrency))
        elapsed = time.perf_counter() - started
    engine = make_engine(database_url)
    with engine.connect() as conn:
        vote_rows = conn.execute(select(func.count()).select_from(votes)).scalar_one()
        upvote_sum = conn.execute(select(func.sum(papers.c.upvotes))).scalar_one()
    engine.dispose()
    latencies.sort()
    return {
        "database": database_url.split(":")[0],
        "processes": args.processes,
        "concurrency": args.concurrency,
        "votes": len(jobs),
        "seconds": round(elapsed, 2),
        "votes_per_s": round(len(jobs) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "statuses": dict(outcomes),
        "vote_rows": vote_rows,
        "upvotes_sum": upvote_sum,
        "exact": vote_rows == upvote_sum == len(jobs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="PostgreSQL server URL; a fresh database is created and dropped")
    parser.add_argument("--processes", type=int, default=1, help="uvicorn processes sharing the database")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--papers", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent HTTP clients")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres:
            print(json.dumps(measure(f"sqlite:///{tmp}/bench.db", args, f"{tmp}/index"), indent=2))
            return
        name = f"paperwire_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(normalize_url(args.postgres), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = args.postgres.rsplit("/", 1)[0] + "/" + name
            print(json.dumps(measure(url, args, f"{tmp}/index"), indent=2))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
