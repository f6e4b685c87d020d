"""Digest benchmark: compose and send one edition to N confirmed subscribers with mixed preferences,
against the 74,728-paper arXiv cs set, through a local aiosmtpd sink in another process.

    .venv/bin/python bench/digest_send.py              # 2k, 5k and 10k subscribers, one process each
    .venv/bin/python bench/digest_send.py --subscribers 10000

Prints seconds for prepare (compose + ledger) and send, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from paperwire.config import load_settings
from paperwire.digest.preferences import Sections
from paperwire.digest.service import DigestService
from paperwire.domain.papers import PaperRecord
from paperwire.mail import SMTPMailer
from paperwire.storage import migrate
from paperwire.storage.db import make_engine
from paperwire.storage.digest_tables import subscribers
from paperwire.storage.papers import upsert_papers

DATA = sorted(Path(__file__).resolve().parents[2].joinpath("shared/data/arxiv-daily").glob("arxiv-daily-cs_*.jsonl.gz"))
SCRATCH = Path("/tmp/paperwire-bench-digest")
DAY = date(2026, 7, 1)  # the data's last listing day (a Wednesday)
QUERIES = [
    "diffusion",
    "large language models",
    "reinforcement learning",
    "graph neural network",
    "robotics",
    "retrieval augmented generation",
    "vision transformer",
    "federated learning",
    "speech recognition",
    "adversarial robustness",
    "3d reconstruction",
    "code generation",
    "mixture of experts",
    "agents",
    "benchmark",
    "quantization",
    "medical imaging",
    "time series",
    "causal inference",
    "privacy",
]
CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "cs.RO", "cs.CR", "cs.IR", "cs.SE", "cs.HC", "cs.DC"]


def load_papers(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    batch: list[PaperRecord] = []
    with gzip.open(DATA[0], "rt") as lines:
        for line in lines:
            d = json.loads(line)
            batch.append(
                PaperRecord(
                    id=d["id"],
                    title=d["title"],
                    abstract=d["summary"],
                    authors=tuple(d["authors"]),
                    categories=tuple(d["categories"]),
                    announced=date.fromisoformat(d["listing_date"]),
                    comment=d.get("comment"),
                    source="bench",
                )
            )
            if len(batch) == 5000:
                with engine.begin() as conn:
                    upsert_papers(conn, batch)
                batch = []
    with engine.begin() as conn:
        upsert_papers(conn, batch)
    engine.dispose()


def add_subscribers(engine: object, count: int, authors: list[str]) -> None:
    rng, now, rows = random.Random(7), datetime.now(UTC), []
    for n in range(count):
        sections = Sections(
            trending=rng.choice([0, 5, 10]),
            categories=tuple(rng.sample(CATEGORIES, rng.randint(0, 2))),
            searches=tuple(rng.sample(QUERIES, rng.randint(0, 3))),
            authors=tuple(rng.sample(authors, rng.randint(0, 2))),
        )
        weekly = rng.random() < 0.2
        rows.append(
            {
                "email": f"reader{n}@bench.example",
                "status": "active",
                "frequency": "weekly" if weekly else "daily",
                "weekly_day": DAY.weekday(),
                "paused": False,
                "sections": sections.as_json(),
                "token_key": f"{n:016x}",
                "created_at": now,
                "confirmed_at": now,
                "confirm_sends": 0,
            }
        )
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(insert(subscribers), rows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(count: int, sink_args: list[str]) -> dict[str, object]:
    SCRATCH.mkdir(exist_ok=True)
    papers_db = SCRATCH / "papers.db"
    if not papers_db.exists():
        load_papers(papers_db)
    db = SCRATCH / f"run-{count}.db"
    shutil.copyfile(papers_db, db)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        authors = [
            r[0]
            for r in conn.exec_driver_sql("SELECT authors_text FROM papers WHERE announced >= '2026-06-25' LIMIT 2000")
        ]
    add_subscribers(engine, count, [a.split("; ")[0] for a in authors if a])
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("digest_smtp_sink.py")), str(port), *sink_args],
        stdout=subprocess.PIPE,
    )
    assert sink.stdout is not None
    assert sink.stdout.readline().strip() == b"ready"
    settings = load_settings(
        {},
        database_url=f"sqlite:///{db}",
        mail_backend="smtp",
        smtp_url=f"smtp://127.0.0.1:{port}",
        digest_rate_per_minute=0,
        base_url="https://papers.example",
        digest_batch_size=200,
    )
    origin, start = time.monotonic(), datetime(2026, 7, 1, 14, tzinfo=UTC)
    service = DigestService(
        engine,
        settings,
        SMTPMailer(settings.smtp_url),
        clock=lambda: start + timedelta(seconds=time.monotonic() - origin),
    )
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        prepared = service.prepare(DAY)
        t1, c1 = time.perf_counter(), time.process_time()
        [report] = service.send(DAY, prepare=False)
        t2, c2 = time.perf_counter(), time.process_time()
    finally:
        sink.terminate()
        sink.wait()
    sink_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "subscribers": count,
        "prepare_s": round(t1 - t0, 2),
        "send_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "prepare_cpu_s": round(c1 - c0, 2),
        "send_cpu_s": round(c2 - c1, 2),
        "sink_cpu_s": round(sink_usage.ru_utime + sink_usage.ru_stime, 2),
        "sent": report.sent,
        "skipped": prepared.skipped,
        "pool": prepared.pool_size,
        "distinct_searches": prepared.distinct_searches,
        "peak_rss_mib": round(rss_mib, 1),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int)
    parser.add_argument("--no-pipelining", action="store_true", help="the sink does not advertise PIPELINING")
    args = parser.parse_args()
    sink_args = ["--no-pipelining"] if args.no_pipelining else []
    if args.subscribers:
        print(json.dumps(run(args.subscribers, sink_args)))
    else:
        for n in (2000, 5000, 10000):
            subprocess.run([sys.executable, __file__, "--subscribers", str(n), *sink_args], check=True)
