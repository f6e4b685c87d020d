"""Network ingest through the service against a local HTTP server: OAI paging with checkpoints,
resume after a failure mid-harvest, expired resumption tokens, API and RSS listings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from paperwire.config import Settings, load_settings
from paperwire.errors import UpstreamUnavailable
from paperwire.ingest import sources
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.service import IngestService
from paperwire.storage.checkpoints import list_checkpoints
from paperwire.storage.tables import papers
from tests.httpserver import ScriptedServer, serve

DATA = Path(__file__).resolve().parents[1] / "data" / "arxiv"


def body(name: str) -> str:
    return (DATA / name).read_text()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from serve()


@pytest.fixture
def net_settings(server: ScriptedServer, database_url: str) -> Settings:
    return load_settings(
        {},
        database_url=database_url,
        arxiv_oai_url=f"{server.url}/oai",
        arxiv_api_url=f"{server.url}/api/query",
        arxiv_rss_url=f"{server.url}/atom",
        arxiv_min_interval_s=0.0,
        http_timeout_s=2.0,
        http_retries=1,
    )


@pytest.fixture
def client(net_settings: Settings) -> Iterator[ArxivHttpClient]:
    with ArxivHttpClient(net_settings, backoff_base_s=0.01, max_delay_s=0.02) as http:
        yield http


def paper_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(papers)).scalar_one()


def script_oai(server: ScriptedServer, page2: list | None = None) -> None:
    server.add("/oai", [(200, {}, body("oai_arxiv_page1.xml"))], params={"metadataPrefix": "arXiv"})
    server.add("/oai", page2 or [(200, {}, body("oai_arxiv_page2.xml"))], params={"resumptionToken": "6960524|1001"})
    server.add("/oai", [(200, {}, body("oai_arxiv_page3.xml"))], params={"resumptionToken": "6960524|1002"})


def test_oai_harvest_pages_through_and_is_idempotent(
    server: ScriptedServer, client: ArxivHttpClient, engine: Engine
) -> None:
    script_oai(server)
    service = IngestService(engine)
    first = sources.ingest_oai(service, client, "cs", "2024-01-01")
    second = sources.ingest_oai(service, client, "cs", "2024-01-01")
    assert first.inserted == paper_count(engine) >= 4
    assert (second.inserted, second.updated) == (0, 0)
    with engine.connect() as conn:
        [checkpoint] = list_checkpoints(conn)
    assert checkpoint.position is None  # finished
    assert checkpoint.datestamp == "2024-01-05"  # the next harvest continues from here


def test_oai_harvest_resumes_from_the_saved_token_after_a_failure(
    server: ScriptedServer, client: ArxivHttpClient, engine: Engine
) -> None:
    script_oai(server, page2=[(503, {}, "down"), (503, {}, "down"), (200, {}, body("oai_arxiv_page2.xml"))])
    service = IngestService(engine)
    with pytest.raises(UpstreamUnavailable):
        sources.ingest_oai(service, client, "cs", "2024-01-01")
    after_page1 = paper_count(engine)
    resumed = sources.ingest_oai(service, client, "cs", "2024-01-01")
    assert resumed.resumed_from == "6960524|1001"
    assert 0 < after_page1 < paper_count(engine)
    first_page_requests = [r for r in server.requests if r.params.get("metadataPrefix") == "arXiv"]
    assert len(first_page_requests) == 1  # the first page was not fetched again


def test_expired_resumption_token_restarts_from_the_checkpointed_datestamp(
    server: ScriptedServer, client: ArxivHttpClient, engine: Engine
) -> None:
    script_oai(
        server,
        page2=[(200, {}, body("oai_bad_resumption_token.xml")), (200, {}, body("oai_arxiv_page2.xml"))],
    )
    report = sources.ingest_oai(IngestService(engine), client, "cs", "2024-01-01")
    restarts = [r for r in server.requests if r.params.get("from")]
    assert [r.params["from"] for r in restarts] == ["2024-01-01", "2024-01-03"]
    assert report.inserted == paper_count(engine) >= 4


def test_oai_no_records_match_is_an_empty_harvest(
    server: ScriptedServer, client: ArxivHttpClient, engine: Engine
) -> None:
    server.add("/oai", [(200, {}, body("oai_no_records_match.xml"))])
    report = sources.ingest_oai(IngestService(engine), client, "cs", "2030-01-01")
    assert (report.read, report.inserted) == (0, 0)


def test_api_category_ingest_pages_and_counts(server: ScriptedServer, client: ArxivHttpClient, engine: Engine) -> None:
    server.add("/api/query", [(200, {}, body("api_search_page1.xml"))], params={"start": "0"})
    server.add("/api/query", [(200, {}, body("api_search_page2.xml"))])
    report = sources.ingest_api(IngestService(engine), client, "cs.LG", 2)
    assert report.inserted == paper_count(engine) > 0
    assert report.errors == []


def test_rss_listing_sets_announce_dates(server: ScriptedServer, client: ArxivHttpClient, engine: Engine) -> None:
    server.add("/atom/cs.LG", [(200, {}, body("rss_cs_lg.xml"))])
    report = sources.ingest_rss(IngestService(engine), client, "cs.LG")
    with engine.connect() as conn:
        announced = conn.execute(select(func.count()).where(papers.c.announced.is_not(None))).scalar_one()
    assert report.inserted > 0
    assert announced > 0


def test_unreachable_arxiv_is_one_clear_error(net_settings: Settings, engine: Engine) -> None:
    from tests.smtpserver import free_port

    offline = load_settings(
        {},
        arxiv_oai_url=f"http://127.0.0.1:{free_port()}/oai",
        http_retries=1,
        arxiv_min_interval_s=0.0,
        http_timeout_s=1.0,
    )
    with (
        ArxivHttpClient(offline, backoff_base_s=0.01) as http,
        pytest.raises(UpstreamUnavailable, match=r"127\.0\.0\.1"),
    ):
        sources.ingest_oai(IngestService(engine), http, "cs", "2024-01-01")
