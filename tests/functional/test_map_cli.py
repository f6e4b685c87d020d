"""`paperwire map build | update` in a subprocess on the test database, and the worker's map jobs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.services import build_services
from paperwire.storage.papers import upsert_papers
from paperwire.topics.artifact import map_dir
from paperwire.worker import JOBS, Worker
from tests.topic_papers import topic_records


def _env(settings: Settings) -> dict[str, str]:
    return os.environ | {
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_INDEX_DIR": settings.index_dir,
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_MAP_TOPICS": "3",
    }


def paperwire(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperwire", *args],
        env=_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _store(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, topic_records())


def test_build_dry_run_build_and_update(settings: Settings, engine: Engine) -> None:
    _store(engine)
    assert paperwire(settings, "index", "rebuild").returncode == 0
    dry = paperwire(settings, "map", "build", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) | {"seconds": 0} == {
        "papers": 90,
        "placed": 0,
        "topics": 3,
        "days": 90,
        "reducer": "tsne",
        "seconds": 0,
        "rebuilt": True,
        "dry_run": True,
    }
    assert not map_dir(settings.index_dir).exists()
    human = paperwire(settings, "map", "build", "--days", "30")
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("map built: ")
    assert "of the last 30 days, 3 topics" in human.stdout
    update = paperwire(settings, "map", "update", "--json")
    assert json.loads(update.stdout)["placed"] == 0
    assert json.loads(update.stdout)["rebuilt"] is False


def test_bad_days_exit_2_with_one_line(settings: Settings, engine: Engine) -> None:
    result = paperwire(settings, "map", "build", "--days", "0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--days" in result.stderr


def test_without_an_index_or_a_map_the_error_says_what_to_run(settings: Settings, engine: Engine) -> None:
    build = paperwire(settings, "map", "build")
    assert build.returncode == 1
    assert "paperwire index rebuild" in build.stderr
    _store(engine)
    assert paperwire(settings, "index", "rebuild").returncode == 0
    update = paperwire(settings, "map", "update")
    assert update.returncode == 1
    assert "paperwire map build" in update.stderr


def test_worker_builds_the_map_when_there_is_none_and_can_be_turned_off(settings: Settings, engine: Engine) -> None:
    _store(engine)
    services = build_services(replace(settings, map_topics=3), engine=engine)
    services.search.update_index()
    jobs = tuple(job for job in JOBS if job.name in ("map", "map-update"))
    worker = Worker(services, jobs)
    [first, second] = worker.run_once()
    worker.release()
    assert (first["job"], first["status"], first["counts"]["papers"]) == ("map", "succeeded", 90)
    assert (second["job"], second["status"], second["counts"]["rebuilt"]) == ("map-update", "succeeded", False)
    off = build_services(replace(settings, worker_map_rebuild_days=0), engine=engine)
    runs = Worker(off, jobs).run_once()
    assert runs == []  # nothing due: both ran just now
    from paperwire import jobs as job_functions

    assert job_functions.map_build(off) == {"skipped": "PAPERWIRE_WORKER_MAP_REBUILD_DAYS is 0"}
