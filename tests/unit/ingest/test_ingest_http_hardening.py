"""ArxivHttpClient against a misbehaving upstream (issue 16, item 6): off-host redirects, a 300 MiB body,
a drip that would hold a request forever, spacing shared by every client of a process, ASCII-only ids."""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from paperwire.config import Settings
from paperwire.domain.papers import is_arxiv_id, parse_arxiv_id
from paperwire.errors import UpstreamUnavailable
from paperwire.ingest.http import ArxivHttpClient
from tests.httpserver import ScriptedServer, Streamed, serve

MIB = 1024 * 1024


@pytest.fixture
def other_host() -> Iterator[ScriptedServer]:
    yield from serve()


def test_a_redirect_to_another_host_is_refused(
    http_server: ScriptedServer, other_host: ScriptedServer, arxiv_settings: Settings
) -> None:
    elsewhere = other_host.url.replace("127.0.0.1", "localhost") + "/steal"
    http_server.add("/oai", [(302, {"Location": elsewhere}, "")])
    other_host.add("/steal", [(200, {}, "secret")])
    with ArxivHttpClient(arxiv_settings) as http, pytest.raises(UpstreamUnavailable, match="another host"):
        http.get(f"{http_server.url}/oai")
    assert other_host.requests == []


def test_a_redirect_on_the_same_host_is_followed(http_server: ScriptedServer, arxiv_settings: Settings) -> None:
    http_server.add("/oai", [(301, {"Location": "/oai2?verb=Identify"}, "")])
    http_server.add("/oai2", [(200, {}, "<moved/>")])
    with ArxivHttpClient(arxiv_settings) as http:
        assert http.get(f"{http_server.url}/oai", {"verb": "Identify"}) == "<moved/>"


def test_a_300_mib_answer_is_cut_off_at_the_body_cap(http_server: ScriptedServer, arxiv_settings: Settings) -> None:
    http_server.add("/oai", [(200, {}, Streamed(b"x" * MIB, 300))])
    settings = replace(arxiv_settings, http_max_body_bytes=8 * MIB, http_retries=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with ArxivHttpClient(settings) as http, pytest.raises(UpstreamUnavailable, match="byte limit"):
        http.get(f"{http_server.url}/oai")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 100  # the process never held the 300 MiB


def test_a_declared_oversized_answer_is_refused_before_reading(
    http_server: ScriptedServer, arxiv_settings: Settings
) -> None:
    http_server.add("/oai", [(200, {"Content-Length": str(300 * MIB)}, Streamed(b"x" * MIB, 2))])
    settings = replace(arxiv_settings, http_max_body_bytes=8 * MIB, http_retries=0)
    with ArxivHttpClient(settings) as http, pytest.raises(UpstreamUnavailable, match="over the"):
        http.get(f"{http_server.url}/oai")


def test_a_drip_cannot_hold_a_request_past_the_deadline(http_server: ScriptedServer, arxiv_settings: Settings) -> None:
    http_server.add("/oai", [(200, {}, Streamed(b"x", 1000, delay_s=0.05))])  # 50 s of drip, 5 s read timeout
    settings = replace(arxiv_settings, http_timeout_s=5.0, http_deadline_s=1.0, http_retries=0)
    started = time.monotonic()
    with ArxivHttpClient(settings) as http, pytest.raises(UpstreamUnavailable, match="longer than"):
        http.get(f"{http_server.url}/oai")
    assert time.monotonic() - started < 2.0


def test_spacing_is_shared_by_every_client_of_the_process(
    http_server: ScriptedServer, arxiv_settings: Settings
) -> None:
    http_server.add("/api/query", [(200, {}, "<feed/>")])
    settings = replace(arxiv_settings, arxiv_min_interval_s=0.5)

    def one_submission() -> None:  # each web submission makes its own client
        with ArxivHttpClient(settings) as http:
            http.get(f"{http_server.url}/api/query")

    threads = [threading.Thread(target=one_submission) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(http_server.requests) == 6
    gaps = http_server.start_gaps()  # seen by the server: connection set-up adds some jitter
    assert min(gaps) >= 0.3  # per-instance spacing let six parallel clients arrive together (gap ~0)
    assert sum(gaps) >= 5 * 0.45


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0664\u0660\u0661.\u0661\u0662\u0663\u0664\u0665",
        "2401.1234\u0665",
        "hep-th/990100\u0661",
        "\uff12401.12345",
    ],
    ids=["arabic-indic", "one-arabic-digit", "old-style", "fullwidth"],
)
def test_ids_with_non_ascii_digits_are_refused(text: str) -> None:
    assert not is_arxiv_id(text)
    with pytest.raises(ValueError, match="not an arXiv id"):
        parse_arxiv_id(text)


def test_ascii_ids_still_parse() -> None:
    assert parse_arxiv_id("arXiv:2401.12345v2").id == "2401.12345"
    assert parse_arxiv_id("https://arxiv.org/abs/hep-th/9901001").id == "hep-th/9901001"
