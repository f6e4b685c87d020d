"""arXiv's daily announcement feed (rss.arxiv.org/atom/<category>): new, cross-listed and replaced papers."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from datetime import date

from paperwire.domain.papers import PaperRecord, is_category
from paperwire.ingest._records import canonical_id, parse_author_list, parse_date
from paperwire.ingest._xml import NS, MalformedResponse, child_text, parse_xml
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.interfaces import Parsed, RecordError

log = logging.getLogger(__name__)

ANNOUNCED_TYPES = frozenset({"new", "cross"})  # "replace" / "replace-cross" keep the original announce date
_SUMMARY_PREFIX = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.IGNORECASE
)


def parse_listing(text: str, url: str) -> list[Parsed]:
    """One feed -> Parsed items in feed order (position = 1-based entry number)."""
    root = parse_xml(text, url)
    if root.tag != f"{{{NS['atom']}}}feed":
        raise MalformedResponse(f"{url}: not an Atom feed (root element {root.tag})")
    feed_date = parse_date(child_text(root, "atom:published") or child_text(root, "atom:updated"))
    items = []
    for number, entry in enumerate(root.iterfind("atom:entry", NS), start=1):
        try:
            record = _record_from_entry(entry, feed_date)
        except ValueError as exc:
            items.append(Parsed(record=None, error=RecordError(url, number, str(exc)), position=number))
        else:
            items.append(Parsed(record=record.cleaned(), position=number))
    return items


def _record_from_entry(entry: ET.Element, feed_date: date | None) -> PaperRecord:
    summary = child_text(entry, "atom:summary") or ""
    prefix = _SUMMARY_PREFIX.match(summary)
    announce_type = (child_text(entry, "arxiv:announce_type") or (prefix and prefix["type"]) or "new").lower()
    arxiv_id = canonical_id(child_text(entry, "atom:id") or (prefix["id"] if prefix else ""))
    title, abstract = child_text(entry, "atom:title"), summary[prefix.end() :] if prefix else summary
    if not title or not abstract.strip():
        raise ValueError(f"{arxiv_id}: missing {'title' if not title else 'abstract'}")
    announced = parse_date(child_text(entry, "atom:published")) or feed_date
    return PaperRecord(
        id=arxiv_id.id,
        version=arxiv_id.version,
        title=title,
        abstract=abstract,
        authors=tuple(parse_author_list(child_text(entry, "dc:creator") or "")),
        categories=_categories(entry),
        announced=announced if announce_type in ANNOUNCED_TYPES else None,
        journal_ref=child_text(entry, "arxiv:journal_reference"),
        doi=child_text(entry, "arxiv:DOI"),
        license=child_text(entry, "dc:rights"),
        source="rss",
        extra={"announce_type": announce_type},
    )


def _categories(entry: ET.Element) -> tuple[str, ...]:
    terms = (c.get("term", "") for c in entry.iterfind("atom:category", NS))
    return tuple(dict.fromkeys(t for t in terms if is_category(t)))


def fetch_listing(client: ArxivHttpClient, category: str) -> list[Parsed]:
    """Today's announcements for `category` (e.g. 'cs.LG'); an empty list on days without a mailing."""
    url = f"{client.settings.arxiv_rss_url.rstrip('/')}/{category}"
    items = parse_listing(client.get(url), url)
    log.info("rss.listing", extra={"category": category, "entries": len(items)})
    return items
