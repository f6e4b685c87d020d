"""GET /healthz: what a load balancer and an operator read of one web process; and the index refresh that
keeps a process's own search index current from the database (several app hosts, one PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from paperwire import __version__
from paperwire.config import Settings
from paperwire.search.refresh import IndexRefresher
from paperwire.web.app import create_app
from paperwire.web.schema import HealthReport
from tests.factories import make_record

Adder = Callable[..., object]


def _search_ids(client: TestClient, query: str) -> list[str]:
    response = client.get("/api/papers/search", params={"q": query})
    assert response.status_code == 200, response.text
    return [item["paper"]["id"] for item in response.json()]


def test_healthz_reports_database_index_map_and_version(client: TestClient, add_papers: Adder, build_index) -> None:  # type: ignore[no-untyped-def]
    add_papers(make_record(), make_record())
    build_index()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    report = HealthReport.model_validate(response.json())
    assert (report.ok, report.status, report.error, report.version) == (True, 200, None, __version__)
    assert report.database.ok
    assert report.database.error is None
    assert report.index.present
    assert report.index.papers == 2
    assert report.index.seq == report.index.database_seq
    assert report.index.lag is not None
    assert (report.index.lag.papers, report.index.lag.seconds) == (0, 0.0)
    assert report.map.present is False


def test_api_health_is_the_same_report(client: TestClient) -> None:
    healthz, api = client.get("/healthz").json(), client.get("/api/health").json()
    healthz["database"].pop("seconds"), api["database"].pop("seconds")
    assert api == healthz
    assert api["index"]["present"] is False  # no index yet: still healthy, the database answers
    assert client.head("/healthz").status_code == 200


def test_an_index_behind_the_database_serves_reports_its_lag_and_catches_up(
    app: FastAPI,
    client: TestClient,
    add_papers: Adder,
    build_index,  # type: ignore[no-untyped-def]
) -> None:
    add_papers(make_record(title="Attention over lattices"))
    build_index()
    add_papers(
        make_record(id="2501.60001", title="Quantum walks on hypergraphs"),
        make_record(id="2501.60002", title="Hypergraphs of quantum codes"),
    )

    behind = client.get("/healthz")
    assert behind.status_code == 200  # a lagging index still serves
    lag = behind.json()["index"]
    assert lag["lag"]["papers"] == 2
    assert lag["seq"] < lag["database_seq"]
    assert lag["lag"]["seconds"] >= 0
    assert not {"2501.60001", "2501.60002"} & set(_search_ids(client, "hypergraphs"))  # not in this index yet

    report = app.services.search.refresh_index()  # what the refresh thread does every INDEX_REFRESH_S
    assert report is not None
    assert report.papers == 2
    assert report.embedded == 0

    caught_up = client.get("/healthz").json()["index"]
    assert caught_up["lag"] == {"papers": 0, "seconds": 0.0}
    assert caught_up["seq"] == caught_up["database_seq"]
    assert caught_up["papers"] == 3
    assert sorted(_search_ids(client, "hypergraphs")[:2]) == ["2501.60001", "2501.60002"]  # no restart
    assert app.services.search.refresh_index() is None  # nothing new: no new generation


def test_a_new_host_builds_its_own_index_from_the_database(app: FastAPI, client: TestClient, add_papers: Adder) -> None:
    add_papers(make_record(id="2501.60007", title="Reservoir computing on photonic chips"))
    app.services.search.embed_pending()  # the worker host embedded it; this host has no index yet
    assert client.get("/healthz").json()["index"]["present"] is False

    report = app.services.search.refresh_index()
    assert report is not None
    assert (report.rebuilt, report.embedded) == (True, 0)
    index = app.services.search.index()
    assert index.has_vector[index.position["2501.60007"]]  # from the stored vector
    assert client.get("/healthz").json()["index"]["lag"] == {"papers": 0, "seconds": 0.0}


def test_refresh_uses_vectors_stored_after_the_paper_was_indexed(
    app: FastAPI,
    client: TestClient,
    add_papers: Adder,
    settings: Settings,
    build_index,  # type: ignore[no-untyped-def]
) -> None:
    add_papers(make_record())
    build_index()
    add_papers(make_record(id="2501.60003", title="Sparse mixtures of experts"))
    app.services.search.refresh_index()  # indexed before the worker embedded it: no vector yet
    index = app.services.search.index()
    assert not index.has_vector[index.position["2501.60003"]]

    app.services.search.embed_pending()  # the worker stores its vector
    assert app.services.search.refresh_index() is not None
    index = app.services.search.index()
    assert index.has_vector[index.position["2501.60003"]]


def test_the_refresh_thread_catches_up_by_itself(settings: Settings, add_papers: Adder, build_index) -> None:  # type: ignore[no-untyped-def]
    add_papers(make_record())
    build_index()
    app = create_app(Settings(**{**vars(settings), "index_refresh_s": 0.05}))
    app.services.caches.data_version.ttl_s = 0.0
    with TestClient(app) as client:
        add_papers(make_record(id="2501.60004", title="Tropical geometry of ReLU networks"))
        deadline = time.monotonic() + 60
        while client.get("/healthz").json()["index"]["lag"]["papers"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get("/healthz").json()["index"]["lag"]["papers"] == 0
        assert _search_ids(client, "tropical")[:1] == ["2501.60004"]
    app.services.engine.dispose()


def test_a_search_page_cached_before_the_refresh_is_not_served_after_it(
    app: FastAPI,
    client: TestClient,
    add_papers: Adder,
    build_index,  # type: ignore[no-untyped-def]
) -> None:
    add_papers(make_record(announced=date(2025, 1, 3)))
    build_index()
    add_papers(make_record(id="2501.60005", title="Origami folding with diffusion"))
    assert "2501.60005" not in _search_ids(client, "origami")  # built and cached under the new data version
    app.services.search.refresh_index()
    assert _search_ids(client, "origami")[:1] == ["2501.60005"]


def test_two_processes_sharing_an_index_directory_take_turns(
    settings: Settings,
    engine,
    add_papers: Adder,
    build_index,  # type: ignore[no-untyped-def]
) -> None:
    from paperwire.search.artifact import writer_lock
    from paperwire.search.service import SearchService

    add_papers(make_record())
    build_index()
    add_papers(make_record(id="2501.60006"))
    other = SearchService.from_settings(settings, engine)
    with writer_lock(settings.index_dir):  # another process is writing this directory
        assert other.refresh_index() is None
        assert IndexRefresher(other, 30).refresh_once() is None
    assert other.refresh_index() is not None


@pytest.mark.parametrize("value", ["-1", "0"])
def test_a_connect_timeout_below_one_second_is_refused(value: str) -> None:
    from paperwire.config import load_settings
    from paperwire.errors import InvalidInput

    with pytest.raises(InvalidInput, match="PAPERWIRE_DATABASE_CONNECT_TIMEOUT_S"):
        load_settings({"PAPERWIRE_DATABASE_CONNECT_TIMEOUT_S": value})


def test_a_negative_refresh_interval_is_refused() -> None:
    from paperwire.config import load_settings
    from paperwire.errors import InvalidInput

    with pytest.raises(InvalidInput, match="PAPERWIRE_INDEX_REFRESH_S"):
        load_settings({"PAPERWIRE_INDEX_REFRESH_S": "-5"})
