"""OAI-PMH ListRecords parsing and harvesting, against hand-written arXiv responses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from paperwire.domain.papers import VersionRecord
from paperwire.errors import InvalidInput, UpstreamUnavailable
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.oai import ExpiredResumptionToken, OaiError, harvest, parse_list_records
from tests.httpserver import ScriptedServer

URL = "https://oaipmh.arxiv.org/oai"
DATA = Path(__file__).resolve().parents[2] / "data" / "arxiv"


def fixture_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_arxiv_format_record_is_parsed_into_a_clean_paper_record() -> None:
    page = parse_list_records(fixture_text("oai_arxiv_page1.xml"), URL)
    record = page.records[0].record
    assert record is not None
    assert record.id == "2401.00101"
    assert record.title == "Sparse Mixtures of Adapters for Continual Instruction Tuning"
    assert record.authors == ("Adaeze M. Okafor", "Lotte van der Berg", "Robert Hughes Jr")
    assert record.categories == ("cs.LG", "cs.CL", "stat.ML")
    assert record.primary_category == "cs.LG"
    assert record.abstract.endswith(
        "keeps forgetting low.\n\nExperiments on eight task streams show gains over replay baselines."
    )
    assert record.comment == "12 pages, 4 figures; code at https://github.com/example-lab/moa-ct"
    assert record.license == "http://creativecommons.org/licenses/by/4.0/"
    assert (record.published, record.updated) == (date(2023, 12, 29), date(2023, 12, 29))
    assert record.source == "oai"
    assert (page.resumption_token, page.complete_list_size) == ("6960524|1001", 4)
    assert page.max_datestamp == date(2024, 1, 3)


def test_old_style_id_keeps_journal_ref_doi_and_updated_date() -> None:
    record = parse_list_records(fixture_text("oai_arxiv_page1.xml"), URL).records[1].record
    assert record is not None
    assert record.id == "hep-th/9901001"
    assert record.journal_ref == "Phys. Lett. B 450 (1999) 1-8"
    assert record.doi == "10.1016/S0370-2693(99)00001-1"
    assert record.updated == date(2024, 1, 2)


def test_arxivraw_record_has_versions_split_authors_and_dates() -> None:
    page = parse_list_records(fixture_text("oai_arxivraw.xml"), URL)
    record = page.records[0].record
    assert record is not None
    assert record.authors == ("C. Bal\\'azs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")
    assert record.versions == (
        VersionRecord(version=1, date=date(2007, 4, 2)),
        VersionRecord(version=2, date=date(2007, 7, 24)),
    )
    assert (record.version, record.published, record.updated) == (2, date(2007, 4, 2), date(2007, 7, 24))
    assert record.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert record.categories == ("hep-ph",)
    assert page.resumption_token is None


def test_deleted_records_are_skipped_and_counted_but_their_datestamp_counts() -> None:
    page = parse_list_records(fixture_text("oai_arxiv_page2.xml"), URL)
    assert [p.record.id for p in page.records if p.record] == ["2401.00202"]
    assert page.deleted == 1
    assert page.max_datestamp == date(2024, 1, 5)


def test_record_without_title_is_a_record_error_and_the_page_goes_on() -> None:
    page = parse_list_records(fixture_text("oai_arxiv_page3.xml"), URL)
    assert page.records[0].record is not None
    error = page.records[1].error
    assert error is not None
    assert str(error) == f"{URL}:2: missing title"
    assert page.resumption_token is None


def test_no_records_match_is_an_empty_last_page() -> None:
    page = parse_list_records(fixture_text("oai_no_records_match.xml"), URL)
    assert (page.records, page.resumption_token) == ([], None)


def test_bad_resumption_token_raises_expired_token() -> None:
    with pytest.raises(ExpiredResumptionToken, match="badResumptionToken") as caught:
        parse_list_records(fixture_text("oai_bad_resumption_token.xml"), URL)
    assert caught.value.code == "badResumptionToken"


def test_other_oai_errors_raise_oai_error() -> None:
    body = fixture_text("oai_bad_resumption_token.xml").replace("badResumptionToken", "badArgument")
    with pytest.raises(OaiError, match="badArgument") as caught:
        parse_list_records(body, URL)
    assert not isinstance(caught.value, ExpiredResumptionToken)


def test_truncated_xml_names_the_url() -> None:
    truncated = fixture_text("oai_arxiv_page1.xml")[:1500]
    with pytest.raises(UpstreamUnavailable, match=rf"^{URL}: malformed XML"):
        parse_list_records(truncated, URL)


def test_harvest_follows_resumption_tokens_across_three_pages(
    http_server: ScriptedServer, client: ArxivHttpClient
) -> None:
    first = {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs", "from": "2024-01-01"}
    http_server.add("/oai", [(200, {}, fixture_text("oai_arxiv_page1.xml"))], params=first)
    for number, token in ((2, "6960524|1001"), (3, "6960524|1002")):
        body = fixture_text(f"oai_arxiv_page{number}.xml")
        http_server.add("/oai", [(200, {}, body)], params={"verb": "ListRecords", "resumptionToken": token})
    pages = list(harvest(client, "cs", date(2024, 1, 1)))
    assert [len(p.records) for p in pages] == [2, 1, 2]
    assert [p.resumption_token for p in pages] == ["6960524|1001", "6960524|1002", None]
    assert [p.max_datestamp for p in pages] == [date(2024, 1, 3), date(2024, 1, 5), date(2024, 1, 4)]
    assert http_server.requests[1].params == {"verb": "ListRecords", "resumptionToken": "6960524|1001"}


def test_harvest_resumes_from_a_token_and_retries_a_503(http_server: ScriptedServer, client: ArxivHttpClient) -> None:
    responses = [(503, {"Retry-After": "0"}, "busy"), (200, {}, fixture_text("oai_arxiv_page3.xml"))]
    http_server.add("/oai", responses, params={"resumptionToken": "6960524|1002"})
    pages = list(harvest(client, "cs", None, resumption_token="6960524|1002"))
    assert len(pages) == 1
    assert len(http_server.requests) == 2


def test_harvest_raises_expired_token_so_the_caller_can_restart(
    http_server: ScriptedServer, client: ArxivHttpClient
) -> None:
    http_server.add("/oai", [(200, {}, fixture_text("oai_bad_resumption_token.xml"))])
    with pytest.raises(ExpiredResumptionToken):
        list(harvest(client, "cs", None, resumption_token="stale|1"))


def test_harvest_rejects_unknown_metadata_prefix(client: ArxivHttpClient) -> None:
    with pytest.raises(InvalidInput, match="arXivRaw"):
        next(harvest(client, "cs", None, metadata_prefix="oai_dc"))
