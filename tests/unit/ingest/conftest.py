"""Fixtures for the ingest parsers: a scripted local HTTP server and a fast, polite client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from paperwire.config import Settings, load_settings
from paperwire.ingest.http import ArxivHttpClient
from tests.httpserver import ScriptedServer, serve


@pytest.fixture
def http_server() -> Iterator[ScriptedServer]:
    yield from serve()


@pytest.fixture
def arxiv_settings(http_server: ScriptedServer) -> Settings:
    return load_settings(
        {},
        base_url="https://papers.example.org",
        arxiv_oai_url=f"{http_server.url}/oai",
        arxiv_api_url=f"{http_server.url}/api/query",
        arxiv_rss_url=f"{http_server.url}/atom",
        arxiv_min_interval_s=0.01,
        http_timeout_s=2.0,
        http_retries=2,
    )


@pytest.fixture
def client(arxiv_settings: Settings) -> Iterator[ArxivHttpClient]:
    with ArxivHttpClient(arxiv_settings, backoff_base_s=0.01, max_delay_s=0.05) as http:
        yield http
