"""Functional fixtures: the real app on the per-test database, driven in-process over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.domain.papers import PaperRecord
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    # Tests write behind the app's back (add_papers), so it re-reads the data version on every request;
    # test_caching.py checks the one-second reuse for anonymous readers.
    app.services.caches.data_version.ttl_s = 0.0
    yield app
    app.services.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def add_papers(engine: Engine) -> Callable[..., list[PaperRecord]]:
    """Store records in the test database (the app sees them on its next request)."""

    def add(*records: PaperRecord, **changes: Any) -> list[PaperRecord]:
        with engine.begin() as conn:
            upsert_papers(conn, records)
        return list(records)

    return add


@pytest.fixture
def build_index(settings: Settings, engine: Engine) -> Callable[[], None]:
    """Build the search index (hashing embedder) over what the test stored so far."""

    def build() -> None:
        from paperwire.search.service import SearchService

        SearchService.from_settings(settings, engine).update_index()

    return build
