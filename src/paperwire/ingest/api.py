"""The arXiv API (Atom): parse feeds, fetch papers by id, page through a category's new submissions."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from paperwire.domain.papers import PaperRecord, is_category
from paperwire.ingest._records import canonical_id, parse_date, parse_timestamp
from paperwire.ingest._xml import NS, MalformedResponse, all_text, child_text, parse_xml
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.interfaces import Parsed, RecordError

log = logging.getLogger(__name__)

MAX_IDS_PER_REQUEST = 100
_ERROR_ID = "arxiv.org/api/errors"


@dataclass(frozen=True)
class ApiPage:
    records: list[Parsed]  # position = 1-based index of the entry in the whole result list
    start: int
    total_results: int


def parse_feed(text: str, url: str, start: int = 0) -> ApiPage:
    """One Atom response -> ApiPage; error entries (bad ids) become RecordErrors."""
    root = parse_xml(text, url)
    if root.tag != f"{{{NS['atom']}}}feed":
        raise MalformedResponse(f"{url}: not an Atom feed (root element {root.tag})")
    total = child_text(root, "opensearch:totalResults")
    records = [
        _parse_entry(entry, url, start + number)
        for number, entry in enumerate(root.iterfind("atom:entry", NS), start=1)
    ]
    return ApiPage(records=records, start=start, total_results=int(total) if total else len(records))


def _parse_entry(entry: ET.Element, url: str, position: int) -> Parsed:
    entry_id = child_text(entry, "atom:id") or ""
    if _ERROR_ID in entry_id:
        reason = child_text(entry, "atom:summary") or entry_id
        return Parsed(record=None, error=RecordError(url, position, f"arXiv API error: {reason}"), position=position)
    try:
        record = _record_from_entry(entry, entry_id)
    except ValueError as exc:
        return Parsed(record=None, error=RecordError(url, position, str(exc)), position=position)
    return Parsed(record=record.cleaned(), position=position)


def _record_from_entry(entry: ET.Element, entry_id: str) -> PaperRecord:
    arxiv_id = canonical_id(entry_id)
    title, abstract = child_text(entry, "atom:title"), child_text(entry, "atom:summary")
    if not title or not abstract:
        raise ValueError(f"{arxiv_id}: missing {'title' if not title else 'summary'}")
    primary = entry.find("arxiv:primary_category", NS)
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in entry.iterfind("atom:category", NS)]
    return PaperRecord(
        id=arxiv_id.id,
        version=arxiv_id.version,
        title=title,
        abstract=abstract,
        authors=tuple(all_text(entry, "atom:author/atom:name")),
        categories=tuple(dict.fromkeys(t for t in terms if is_category(t))),
        published=parse_date(child_text(entry, "atom:published")),
        published_at=parse_timestamp(child_text(entry, "atom:published")),
        updated=parse_date(child_text(entry, "atom:updated")),
        comment=child_text(entry, "arxiv:comment"),
        journal_ref=child_text(entry, "arxiv:journal_ref"),
        doi=child_text(entry, "arxiv:doi"),
        source="api",
    )


def fetch_ids(client: ArxivHttpClient, ids: Iterable[str]) -> Iterator[ApiPage]:
    """Fetch papers by arXiv id, at most 100 per request; one ApiPage per request."""
    wanted = list(dict.fromkeys(ids))
    for offset in range(0, len(wanted), MAX_IDS_PER_REQUEST):
        batch = wanted[offset : offset + MAX_IDS_PER_REQUEST]
        params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
        page = _get_page(client, params, start=offset)
        yield ApiPage(records=page.records, start=offset, total_results=len(wanted))


def search_category(
    client: ArxivHttpClient, category: str, days: int, page_size: int = 100, *, today: date | None = None
) -> Iterator[ApiPage]:
    """Page through `category`'s submissions of the last `days` days (today included), newest first."""
    last = today or datetime.now(UTC).date()
    first = last - timedelta(days=max(days, 1) - 1)
    query = f"cat:{category} AND submittedDate:[{first:%Y%m%d}0000 TO {last:%Y%m%d}2359]"
    start = 0
    while True:
        params = {
            "search_query": query,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
            "start": str(start),
            "max_results": str(page_size),
        }
        page = _get_page(client, params, start=start)
        yield page
        start += len(page.records)
        if not page.records or start >= page.total_results:
            return


def _get_page(client: ArxivHttpClient, params: dict[str, str], start: int) -> ApiPage:
    url = client.settings.arxiv_api_url
    text = client.get(url, params, accept_client_error=True)  # bad ids come back as an error feed
    page = parse_feed(text, url, start=start)
    log.info("api.page", extra={"start": start, "entries": len(page.records), "total": page.total_results})
    return page
