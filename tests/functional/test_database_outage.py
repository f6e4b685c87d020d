"""Losing PostgreSQL: pages, the API and /healthz answer 503 in the one error shape (with Retry-After), not
500s or hangs; when the server is back the same app serves again by itself; a write the outage cut off
leaves nothing behind.

Each test runs on a private cluster (tests/pgcluster.py) that it stops and starts; the shared server is
never touched. On SQLite there is no server to lose: these run on PostgreSQL only, in both test runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from paperwire.config import Settings, load_settings
from paperwire.ingest.interfaces import Parsed
from paperwire.ingest.service import IngestReport, IngestService
from paperwire.search.service import SearchService
from paperwire.storage import migrate
from paperwire.storage.checkpoints import Checkpoint, load_checkpoint
from paperwire.storage.db import DATABASE_ERRORS, make_engine, read_only
from paperwire.storage.documents import count_papers
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app
from tests.factories import make_record
from tests.pgcluster import PgCluster, is_available, private_cluster

pytestmark = pytest.mark.skipif(not is_available(), reason="PostgreSQL 15 binaries are not installed")
PAPER_ID = "2501.70001"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    with private_cluster() as cluster:
        yield cluster


@pytest.fixture
def database(cluster: PgCluster, request: pytest.FixtureRequest) -> Iterator[Engine]:
    if not cluster.is_running:
        cluster.start()  # a test that failed half-way left it stopped
    name = "outage_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    engine = make_engine(cluster.create_database(name))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings_for(database: Engine, tmp_path: Path) -> Settings:
    return load_settings(
        {},
        database_url=database.url.render_as_string(hide_password=False),
        index_dir=str(tmp_path / "index"),
        embedder="hashing",
        mail_backend="memory",
        base_url="http://testserver",
        database_connect_timeout_s=2,
        index_refresh_s=0.0,
    )


@pytest.fixture
def client(settings_for: Settings, database: Engine) -> Iterator[TestClient]:
    with database.begin() as conn:
        upsert_papers(conn, [make_record(id=PAPER_ID, title="Resilient consensus under partitions")])
    SearchService.from_settings(settings_for, database).update_index()
    app = create_app(settings_for)
    app.services.caches.data_version.ttl_s = 0.0
    with TestClient(app) as client:
        yield client
    app.services.engine.dispose()


def _unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"


def test_pages_api_and_healthz_answer_503_while_the_database_is_down(client: TestClient, cluster: PgCluster) -> None:
    assert client.get(f"/papers/{PAPER_ID}").status_code == 200  # the pool holds live connections now
    cluster.stop()

    health = client.get("/healthz")
    assert health.status_code == 503
    report = health.json()
    assert (report["ok"], report["status"], report["error"]) == (False, 503, "the database does not answer")
    assert report["database"]["ok"] is False
    assert report["index"]["present"] is True  # this process still holds its index
    assert report["index"]["lag"] is None  # unknown without the database

    api = client.get(f"/api/papers/{PAPER_ID}")
    _unavailable(api)
    assert api.json() == {
        "ok": False,
        "error": "the database is unavailable right now; try again in a few seconds",
        "status": 503,
    }

    page = client.get(f"/papers/{PAPER_ID}")
    _unavailable(page)
    heading = BeautifulSoup(page.text, "html.parser").h1
    assert heading is not None
    assert heading.get_text(strip=True) == "Temporarily unavailable"

    _unavailable(client.get("/search", params={"q": "consensus"}))  # the index is here; the rows are not


def test_the_app_recovers_by_itself_when_the_database_is_back(client: TestClient, cluster: PgCluster) -> None:
    assert client.get("/healthz").status_code == 200
    cluster.stop()
    _unavailable(client.get(f"/api/papers/{PAPER_ID}"))
    cluster.start()  # a restart: every pooled connection is dead; pre-ping replaces them

    assert client.get("/healthz").status_code == 200
    assert client.get(f"/api/papers/{PAPER_ID}").json()["id"] == PAPER_ID
    assert client.get(f"/papers/{PAPER_ID}").status_code == 200


def test_a_write_cut_off_by_the_outage_leaves_nothing_behind(database: Engine, cluster: PgCluster) -> None:
    ingest, record = IngestService(database), make_record(id="2501.70002")
    checkpoint = Checkpoint(source="test", key="outage", position="1")

    def crash_after_the_papers_are_written(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO papers") and cluster.is_running:
            cluster.stop(mode="immediate")  # as a crash: before the checkpoint is written and committed

    event.listen(database, "after_cursor_execute", crash_after_the_papers_are_written)
    with pytest.raises(DATABASE_ERRORS):
        ingest.write_batch([Parsed(record)], IngestReport("test"), checkpoint)
    event.remove(database, "after_cursor_execute", crash_after_the_papers_are_written)
    cluster.start()

    assert count_papers(database) == 0  # the papers insert died with its transaction
    with read_only(database) as conn:
        assert load_checkpoint(conn, "test", "outage") is None
    ingest.write_batch([Parsed(record)], IngestReport("test"), checkpoint)  # the same engine, reconnected
    assert count_papers(database) == 1


def test_the_index_refresh_survives_an_outage(settings_for: Settings, database: Engine, cluster: PgCluster) -> None:
    from paperwire.search.refresh import IndexRefresher

    with database.begin() as conn:
        upsert_papers(conn, [make_record()])
    search = SearchService.from_settings(settings_for, database)
    search.update_index()
    with database.begin() as conn:
        upsert_papers(conn, [make_record(id="2501.70003")])
    refresher = IndexRefresher(search, settings_for.index_refresh_s)
    cluster.stop()
    assert refresher.refresh_once() is None  # logged; the next round tries again
    cluster.start()
    report = refresher.refresh_once()
    assert report is not None
    assert report.papers == 1
    assert search.lag().papers == 0
