"""ArxivHttpClient against a scripted local server: politeness, retries, failures."""

from __future__ import annotations

import socket
import time
from dataclasses import replace

import pytest

from paperwire import __version__
from paperwire.config import Settings
from paperwire.errors import UpstreamUnavailable
from paperwire.ingest.http import ArxivHttpClient
from tests.httpserver import ScriptedServer


def test_get_returns_text_and_sends_user_agent_with_contact(
    http_server: ScriptedServer, client: ArxivHttpClient
) -> None:
    http_server.add("/api/query", [(200, {"Content-Type": "text/plain; charset=utf-8"}, "héllo")])
    assert client.get(f"{http_server.url}/api/query", {"id_list": "2401.00001"}) == "héllo"
    request = http_server.requests[0]
    assert request.params == {"id_list": "2401.00001"}
    assert request.headers["User-Agent"] == f"paperwire/{__version__} (+https://papers.example.org)"


def test_requests_are_spaced_and_serial_on_one_connection(
    http_server: ScriptedServer, arxiv_settings: Settings
) -> None:
    http_server.add("/oai", [(200, {}, "ok")])
    with ArxivHttpClient(replace(arxiv_settings, arxiv_min_interval_s=0.15)) as http:
        for _ in range(3):
            http.get(f"{http_server.url}/oai")
    gaps = http_server.start_gaps()  # seen by the server, so allow for scheduling jitter under load
    assert len(gaps) == 2
    assert all(gap >= 0.1 for gap in gaps)
    assert http_server.max_in_flight == 1
    assert len({r.client_port for r in http_server.requests}) == 1


def test_client_waits_out_the_rest_of_the_interval_before_each_request(
    http_server: ScriptedServer, arxiv_settings: Settings
) -> None:
    http_server.add("/oai", [(200, {}, "ok")])
    waits: list[float] = []
    with ArxivHttpClient(replace(arxiv_settings, arxiv_min_interval_s=30.0), sleep=waits.append) as http:
        for _ in range(3):
            http.get(f"{http_server.url}/oai")
    # the spacing is process-wide: the first request may also wait for an earlier test's last one
    assert len(waits) in (2, 3)
    assert all(25.0 < wait <= 30.0 for wait in waits[-2:])


def test_503_with_retry_after_is_retried_after_the_given_delay(
    http_server: ScriptedServer, arxiv_settings: Settings
) -> None:
    http_server.add("/oai", [(503, {"Retry-After": "7"}, "busy"), (200, {}, "<ok/>")])
    delays: list[float] = []
    with ArxivHttpClient(arxiv_settings, sleep=delays.append, max_delay_s=30) as http:
        assert http.get(f"{http_server.url}/oai") == "<ok/>"
    assert 7.0 in delays
    assert len(http_server.requests) == 2


def test_retry_after_is_capped(http_server: ScriptedServer, arxiv_settings: Settings) -> None:
    http_server.add("/oai", [(503, {"Retry-After": "86400"}, ""), (200, {}, "ok")])
    delays: list[float] = []
    with ArxivHttpClient(arxiv_settings, sleep=delays.append, max_delay_s=5) as http:
        http.get(f"{http_server.url}/oai")
    assert max(delays) == 5


def test_5xx_backs_off_exponentially_then_gives_up(http_server: ScriptedServer, arxiv_settings: Settings) -> None:
    http_server.add("/oai", [(500, {}, "oops")])
    delays: list[float] = []
    with (
        ArxivHttpClient(arxiv_settings, sleep=delays.append, backoff_base_s=1.0) as http,
        pytest.raises(UpstreamUnavailable, match=r"127\.0\.0\.1:\d+: unavailable after 3 attempts \(HTTP 500"),
    ):
        http.get(f"{http_server.url}/oai")
    assert [d for d in delays if d >= 1.0] == [1.0, 2.0]
    assert len(http_server.requests) == 3


def test_client_error_fails_at_once_unless_accepted(http_server: ScriptedServer, client: ArxivHttpClient) -> None:
    http_server.add("/api/query", [(400, {}, "<feed>bad id</feed>")])
    with pytest.raises(UpstreamUnavailable, match="HTTP 400"):
        client.get(f"{http_server.url}/api/query")
    assert client.get(f"{http_server.url}/api/query", accept_client_error=True) == "<feed>bad id</feed>"
    assert len(http_server.requests) == 2


def test_unreachable_host_raises_quickly(arxiv_settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    began = time.monotonic()
    with (
        ArxivHttpClient(arxiv_settings, backoff_base_s=0.01) as http,
        pytest.raises(UpstreamUnavailable, match=rf"127\.0\.0\.1:{port}: .*ConnectError") as caught,
    ):
        http.get(f"http://127.0.0.1:{port}/oai")
    assert time.monotonic() - began < 2
    assert "\n" not in str(caught.value)
