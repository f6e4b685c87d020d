"""arXiv API (Atom) parsing, id fetches in slices and category paging, against a local server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from paperwire.errors import UpstreamUnavailable
from paperwire.ingest.api import fetch_ids, parse_feed, search_category
from paperwire.ingest.http import ArxivHttpClient
from tests.httpserver import ScriptedServer

URL = "https://export.arxiv.org/api/query"
DATA = Path(__file__).resolve().parents[2] / "data" / "arxiv"


def fixture_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_entry_is_parsed_with_version_primary_category_first_and_no_acm_codes() -> None:
    page = parse_feed(fixture_text("api_search_page1.xml"), URL)
    record = page.records[0].record
    assert record is not None
    assert (record.id, record.version) == ("2401.12345", 2)
    assert record.title == "Tokenizer-Free Language Models at Scale"
    assert record.authors == ("Priya Raman", "Tomás Herrera")
    assert record.categories == ("cs.CL", "cs.LG")
    assert (record.published, record.updated) == (date(2024, 1, 19), date(2024, 1, 25))
    assert record.comment == "v2: added ablations; 21 pages"
    assert record.journal_ref == "Proc. ICML 2024"
    assert record.doi == "10.48550/arXiv.2401.12345"
    assert record.source == "api"
    assert (page.total_results, [p.position for p in page.records]) == (3, [1, 2])


def test_old_style_id_with_version() -> None:
    record = parse_feed(fixture_text("api_search_page2.xml"), URL, start=2).records[0]
    assert record.record is not None
    assert (record.record.id, record.record.version, record.position) == ("math/0211159", 3, 3)
    assert record.record.categories == ("math.DG", "cs.LG")


def test_error_entry_becomes_a_record_error() -> None:
    page = parse_feed(fixture_text("api_id_list_with_error.xml"), URL)
    error = page.records[0].error
    assert error is not None
    assert str(error) == f"{URL}:1: arXiv API error: incorrect id format for 2401.9"


def test_non_atom_body_is_malformed() -> None:
    with pytest.raises(UpstreamUnavailable, match="not an Atom feed"):
        parse_feed("<html><body>Service Unavailable</body></html>", URL)


def test_search_category_pages_with_start_and_max_results(http_server: ScriptedServer, client: ArxivHttpClient) -> None:
    query = "cat:cs.LG AND submittedDate:[202401180000 TO 202401202359]"
    for start, name in (("0", "api_search_page1.xml"), ("2", "api_search_page2.xml")):
        params = {"search_query": query, "start": start, "max_results": "2", "sortBy": "submittedDate"}
        http_server.add("/api/query", [(200, {}, fixture_text(name))], params=params)
    pages = list(search_category(client, "cs.LG", days=3, page_size=2, today=date(2024, 1, 20)))
    assert [len(p.records) for p in pages] == [2, 1]
    assert [p.record.id for page in pages for p in page.records if p.record] == [
        "2401.12345",
        "2401.11111",
        "math/0211159",
    ]
    assert len(http_server.requests) == 2


def test_fetch_ids_sends_at_most_100_ids_per_request(http_server: ScriptedServer, client: ArxivHttpClient) -> None:
    http_server.add("/api/query", [(200, {}, fixture_text("api_search_page2.xml"))])
    ids = [f"2401.{n:05d}" for n in range(250)]
    pages = list(fetch_ids(client, ids))
    sent = [r.params["id_list"].split(",") for r in http_server.requests]
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert sent[2][-1] == "2401.00249"
    assert [p.start for p in pages] == [0, 100, 200]


def test_fetch_ids_reports_bad_ids_even_when_the_api_answers_400(
    http_server: ScriptedServer, client: ArxivHttpClient
) -> None:
    http_server.add("/api/query", [(400, {}, fixture_text("api_id_list_with_error.xml"))])
    (page,) = fetch_ids(client, ["2401.9"])
    assert page.records[0].error is not None
    assert "incorrect id format" in page.records[0].error.reason
