"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL when
PAPERWIRE_TEST_DATABASE_URL is set), settings built with load_settings, never os.environ patches."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from paperwire.config import Settings, load_settings
from paperwire.storage import migrate
from paperwire.storage.db import make_engine, normalize_url
from paperwire.storage.schema import METADATA
from tests.databases import migrated_database

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
TEST_DATA = Path(__file__).parent / "data"


def _admin_url(url: str) -> str:
    return normalize_url(url).rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per session: a template SQLite file, or a private PostgreSQL database."""
    pg_url = os.environ.get("PAPERWIRE_TEST_DATABASE_URL")
    if not pg_url:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        engine.dispose()  # closing the last connection checkpoints the WAL into the main file
        yield str(path)
        return
    with migrated_database(_admin_url(pg_url), "paperwire_test") as url:
        yield url


@pytest.fixture
def database_url(_database_template: str, tmp_path: Path) -> Iterator[str]:
    if not _database_template.startswith("postgresql"):
        target = tmp_path / "paperwire.db"
        shutil.copyfile(_database_template, target)
        yield f"sqlite:///{target}"
        return
    yield _database_template
    engine = make_engine(_database_template)
    names = ", ".join(f'"{t.name}"' for t in METADATA.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {},
        database_url=database_url,
        index_dir=str(tmp_path / "index"),
        embedder="hashing",
        mail_backend="memory",
        arxiv_min_interval_s=0.0,
        http_timeout_s=5.0,
        base_url="http://testserver",
        index_refresh_s=0.0,  # no background refresh: tests that need one call refresh_index() themselves
    )


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _collect_garbage_after_each_test() -> Iterator[None]:
    """On PostgreSQL, collect after every test so a leaked connection fails the test that leaked it."""
    yield
    if os.environ.get("PAPERWIRE_TEST_DATABASE_URL"):
        import gc

        gc.collect()
