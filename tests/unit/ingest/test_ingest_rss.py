"""arXiv RSS/Atom daily listing: announce types, dates, authors, against a local server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from paperwire.errors import UpstreamUnavailable
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.rss import fetch_listing, parse_listing
from tests.httpserver import ScriptedServer

URL = "https://rss.arxiv.org/atom/cs.LG"
DATA = Path(__file__).resolve().parents[2] / "data" / "arxiv"


def fixture_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_new_entry_is_announced_on_the_feed_day_with_clean_abstract() -> None:
    record = parse_listing(fixture_text("rss_cs_lg.xml"), URL)[0].record
    assert record is not None
    assert (record.id, record.version, record.announced) == ("2401.12001", 1, date(2024, 1, 23))
    assert record.abstract.startswith("Offline reinforcement learning suffers")
    assert "Announce Type" not in record.abstract
    assert record.authors == ("Amara Nwosu", "Jonas Becker", "Li Na")
    assert record.categories == ("cs.LG", "cs.AI")
    assert record.license == "http://creativecommons.org/licenses/by/4.0/"
    assert (record.source, record.extra["announce_type"]) == ("rss", "new")


def test_cross_list_is_announced_too() -> None:
    record = parse_listing(fixture_text("rss_cs_lg.xml"), URL)[1].record
    assert record is not None
    assert (record.announced, record.categories[0]) == (date(2024, 1, 23), "quant-ph")
    assert record.authors == ("Hana Sato", "Diego Ruiz")


@pytest.mark.parametrize(("index", "arxiv_id", "version"), [(2, "2310.04444", 3), (3, "2309.00077", 2)])
def test_replacements_keep_the_original_announce_date_and_carry_the_version(
    index: int, arxiv_id: str, version: int
) -> None:
    record = parse_listing(fixture_text("rss_cs_lg.xml"), URL)[index].record
    assert record is not None
    assert (record.id, record.version, record.announced) == (arxiv_id, version, None)


def test_replacement_keeps_journal_ref_and_doi() -> None:
    record = parse_listing(fixture_text("rss_cs_lg.xml"), URL)[2].record
    assert record is not None
    assert (record.journal_ref, record.doi) == ("Trans. Mach. Learn. Res. (2024)", "10.5555/tmlr.2024.0001")


def test_entry_without_title_is_a_record_error() -> None:
    item = parse_listing(fixture_text("rss_cs_lg.xml"), URL)[4]
    assert item.error is not None
    assert str(item.error) == f"{URL}:5: 2401.12999v1: missing title"


def test_fetch_listing_reads_category_feed(http_server: ScriptedServer, client: ArxivHttpClient) -> None:
    http_server.add("/atom/cs.LG", [(200, {"Content-Type": "application/atom+xml"}, fixture_text("rss_cs_lg.xml"))])
    http_server.add("/atom/cs.CL", [(200, {}, fixture_text("rss_empty.xml"))])
    assert len(fetch_listing(client, "cs.LG")) == 5
    assert fetch_listing(client, "cs.CL") == []


def test_html_error_page_is_malformed() -> None:
    with pytest.raises(UpstreamUnavailable, match="not an Atom feed"):
        parse_listing("<html><body>Not Found</body></html>", URL)
