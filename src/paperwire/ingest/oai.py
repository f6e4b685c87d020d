"""OAI-PMH ListRecords: parse arXiv / arXivRaw pages and harvest them page by page."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from paperwire.domain.papers import PaperRecord, VersionRecord
from paperwire.errors import InvalidInput, PaperwireError
from paperwire.ingest._records import (
    canonical_id,
    categories_from_text,
    first_and_last_dates,
    latest_version,
    parse_author_list,
    parse_date,
    version_number,
)
from paperwire.ingest._xml import NS, MalformedResponse, all_text, child_text, parse_xml
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.interfaces import Parsed, RecordError

log = logging.getLogger(__name__)

METADATA_PREFIXES = ("arXiv", "arXivRaw")


class OaiError(PaperwireError):
    """The OAI-PMH server answered with an <error> element."""

    def __init__(self, url: str, code: str, message: str) -> None:
        super().__init__(f"{url}: OAI-PMH error {code}: {message}".rstrip(": "))
        self.code = code


class ExpiredResumptionToken(OaiError):
    """badResumptionToken: restart the harvest from the last checkpointed datestamp."""


@dataclass(frozen=True)
class OaiPage:
    records: list[Parsed]
    resumption_token: str | None  # None on the last page
    complete_list_size: int | None = None
    max_datestamp: date | None = None  # of every header on the page, deleted ones included
    deleted: int = 0


def parse_list_records(text: str, url: str) -> OaiPage:
    """One ListRecords response -> OaiPage. `noRecordsMatch` is an empty last page."""
    root = parse_xml(text, url)
    error = root.find("oai:error", NS)
    if error is not None:
        code = error.get("code", "unknown")
        if code == "noRecordsMatch":
            return OaiPage(records=[], resumption_token=None)
        error_class = ExpiredResumptionToken if code == "badResumptionToken" else OaiError
        raise error_class(url, code, (error.text or "").strip())
    list_records = root.find("oai:ListRecords", NS)
    if list_records is None:
        raise MalformedResponse(f"{url}: no ListRecords element in the OAI-PMH response")
    return _parse_page(list_records, url)


def _parse_page(list_records: ET.Element, url: str) -> OaiPage:
    records: list[Parsed] = []
    datestamps: list[date] = []
    deleted = 0
    for number, element in enumerate(list_records.iterfind("oai:record", NS), start=1):
        header = element.find("oai:header", NS)
        stamp = parse_date(child_text(header, "oai:datestamp")) if header is not None else None
        if stamp is not None:
            datestamps.append(stamp)
        if header is not None and header.get("status") == "deleted":
            deleted += 1
            continue
        records.append(_parse_record(element, url, number))
    token_element = list_records.find("oai:resumptionToken", NS)
    token = (token_element.text or "").strip() if token_element is not None else ""
    size = token_element.get("completeListSize") if token_element is not None else None
    return OaiPage(
        records=records,
        resumption_token=token or None,
        complete_list_size=int(size) if size and size.isdigit() else None,
        max_datestamp=max(datestamps, default=None),
        deleted=deleted,
    )


def _parse_record(element: ET.Element, url: str, number: int) -> Parsed:
    raw = element.find("oai:metadata/arXivRaw:arXivRaw", NS)
    arxiv = element.find("oai:metadata/arXiv:arXiv", NS)
    try:
        if raw is not None:
            record = _from_arxiv_raw(raw)
        elif arxiv is not None:
            record = _from_arxiv(arxiv)
        else:
            raise ValueError("no arXiv or arXivRaw metadata")
    except ValueError as exc:
        return Parsed(record=None, error=RecordError(url, number, str(exc)), position=number)
    return Parsed(record=record.cleaned(), position=number)


def _required(element: ET.Element, path: str) -> str:
    text = child_text(element, path)
    if text is None:
        raise ValueError(f"missing {path.split(':')[-1]}")
    return text


def _from_arxiv(meta: ET.Element) -> PaperRecord:
    arxiv_id = canonical_id(_required(meta, "arXiv:id"))
    authors = []
    for author in meta.iterfind("arXiv:authors/arXiv:author", NS):
        parts = [child_text(author, f"arXiv:{p}") for p in ("forenames", "keyname", "suffix")]
        authors.append(" ".join(p for p in parts if p))
    published = parse_date(child_text(meta, "arXiv:created"))
    return PaperRecord(
        id=arxiv_id.id,
        version=arxiv_id.version,
        title=_required(meta, "arXiv:title"),
        abstract=_required(meta, "arXiv:abstract"),
        authors=tuple(authors),
        published=published,
        updated=parse_date(child_text(meta, "arXiv:updated")) or published,
        **_common_fields(meta, "arXiv"),
    )


def _from_arxiv_raw(meta: ET.Element) -> PaperRecord:
    arxiv_id = canonical_id(_required(meta, "arXivRaw:id"))
    versions = tuple(
        VersionRecord(version=number, date=parse_date(child_text(v, "arXivRaw:date")))
        for v in meta.iterfind("arXivRaw:version", NS)
        if (number := version_number(v.get("version"))) is not None
    )
    published, updated = first_and_last_dates(versions)
    return PaperRecord(
        id=arxiv_id.id,
        version=latest_version(versions) or arxiv_id.version,
        title=_required(meta, "arXivRaw:title"),
        abstract=_required(meta, "arXivRaw:abstract"),
        authors=tuple(parse_author_list(child_text(meta, "arXivRaw:authors") or "")),
        versions=versions,
        published=published,
        updated=updated,
        **_common_fields(meta, "arXivRaw"),
    )


class _CommonFields(TypedDict):
    categories: tuple[str, ...]
    comment: str | None
    journal_ref: str | None
    doi: str | None
    license: str | None
    source: str


def _common_fields(meta: ET.Element, prefix: str) -> _CommonFields:
    categories = categories_from_text(child_text(meta, f"{prefix}:categories"))
    if not categories:
        raise ValueError("missing categories")
    return {
        "categories": categories,
        "comment": child_text(meta, f"{prefix}:comments"),
        "journal_ref": child_text(meta, f"{prefix}:journal-ref"),
        "doi": next(iter(all_text(meta, f"{prefix}:doi")), None),
        "license": child_text(meta, f"{prefix}:license"),
        "source": "oai",
    }


def harvest(
    client: ArxivHttpClient,
    set_spec: str | None,
    from_date: date | str | None,
    metadata_prefix: str = "arXiv",
    resumption_token: str | None = None,
) -> Iterator[OaiPage]:
    """Yield ListRecords pages until the last one; checkpoint `resumption_token`/`max_datestamp` per page.

    Raises ExpiredResumptionToken when the server forgot the token: restart from the last datestamp.
    """
    url = client.settings.arxiv_oai_url
    params = _first_params(set_spec, from_date, metadata_prefix, resumption_token)
    while True:
        page = parse_list_records(client.get(url, params), url)
        log.info(
            "oai.page",
            extra={"records": len(page.records), "deleted": page.deleted, "total": page.complete_list_size},
        )
        yield page
        if page.resumption_token is None:
            return
        params = {"verb": "ListRecords", "resumptionToken": page.resumption_token}


def _first_params(
    set_spec: str | None, from_date: date | str | None, metadata_prefix: str, resumption_token: str | None
) -> dict[str, str]:
    if resumption_token:
        return {"verb": "ListRecords", "resumptionToken": resumption_token}
    if metadata_prefix not in METADATA_PREFIXES:
        raise InvalidInput(f"metadata_prefix must be one of {', '.join(METADATA_PREFIXES)}")
    params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date:
        params["from"] = from_date.isoformat() if isinstance(from_date, date) else from_date
    return params
