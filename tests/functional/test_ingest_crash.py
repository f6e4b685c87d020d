"""kill -9 at any moment of a file ingest, then the same command again, ends in exactly the state of an
uninterrupted run: no duplicates, no partial papers, a healthy database."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from paperwire.storage import migrate
from paperwire.storage.db import make_engine
from paperwire.storage.tables import paper_authors, paper_categories, paper_versions, papers

pytestmark = pytest.mark.slow


def write_papers(path: Path, count: int) -> None:
    with path.open("w") as out:
        for n in range(count):
            record = {
                "id": f"2503.{n:05d}",
                "title": f"Crash-safe paper {n}",
                "abstract": f"Abstract {n} " + "words " * 60,
                "authors": [f"Author {n % 997}", f"Coauthor {n % 131}", "Shared Person"],
                "categories": ["cs.LG", "cs.DB"] if n % 2 else ["cs.CL"],
                "published": "2025-03-01",
                "version": 1 + n % 3,
            }
            out.write(json.dumps(record) + "\n")


def ingest_command(path: Path, database_url: str) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env["PAPERWIRE_DATABASE_URL"] = database_url
    return [sys.executable, "-m", "paperwire", "ingest", "file", str(path), "--json"], env


def snapshot(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {
            "papers": sorted(conn.execute(select(papers.c.id, papers.c.content_hash, papers.c.version)).all()),
            "authors": conn.execute(select(func.count()).select_from(paper_authors)).scalar_one(),
            "categories": conn.execute(select(func.count()).select_from(paper_categories)).scalar_one(),
            "versions": conn.execute(select(func.count()).select_from(paper_versions)).scalar_one(),
        }


def kill_repeatedly(
    command: list[str], env: dict[str, str], times: int, window_s: tuple[float, float], seed: int
) -> int:
    """Start `command` `times` times, SIGKILL each at a random moment in the window; returns the kills made."""
    rng = random.Random(seed)
    kills = 0
    for _ in range(times):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(*window_s))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
    return kills


def test_kill_9_during_file_ingest_then_rerun_matches_an_uninterrupted_run(
    tmp_path: Path, database_url: str, engine: Engine
) -> None:
    source = tmp_path / "papers.jsonl"
    write_papers(source, 30_000)
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    reference = make_engine(reference_url)
    migrate.upgrade(reference)
    command, env = ingest_command(source, reference_url)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)

    command, env = ingest_command(source, database_url)
    kills = kill_repeatedly(command, env, times=4, window_s=(1.0, 4.0), seed=7)
    finished = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=300)
    report = json.loads(finished.stdout)

    assert kills >= 1, "the ingest finished before any kill: make the input bigger"
    assert report["errors"] == []
    assert snapshot(engine) == snapshot(reference)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    reference.dispose()
