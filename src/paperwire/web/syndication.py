"""RSS 2.0 and Atom 1.0 documents built with ElementTree: every value is escaped by the serializer.

Atom says what its text is (type="text" on every title, subtitle and summary), so readers show it as
text. RSS does not: readers treat title and description (of the channel and of each item) as HTML, so
each of those is escaped once more (`_rss_text`) and displays as the text it is. One rule for every
field; tests/functional/test_feed_escaping.py parses every feed with a hostile corpus.

Characters XML 1.0 forbids (control characters that sometimes appear in abstracts) are removed.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from typing import Any

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("atom", ATOM)
ET.register_namespace("dc", DC)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MEDIA_TYPES = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}


@dataclass(frozen=True)
class FeedMeta:
    title: str
    page_url: str  # the HTML page the feed mirrors
    self_url: str  # the feed's own URL
    description: str


def clean(text: str | None) -> str:
    return _INVALID_XML.sub("", text or "")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _rss_text(text: str) -> str:
    """An RSS title or description: HTML that reads as `text` (readers render these fields as HTML)."""
    return html.escape(text, quote=False)


def _when(paper: dict[str, Any]) -> datetime:
    day = paper.get("submitted_on") or paper.get("announced") or paper.get("published")
    parsed = date.fromisoformat(day) if day else date(1970, 1, 1)
    return datetime.combine(parsed, time(), tzinfo=UTC)


def _updated(papers: list[dict[str, Any]]) -> datetime:
    return max((_when(p) for p in papers), default=datetime(1970, 1, 1, tzinfo=UTC))


def render_rss(meta: FeedMeta, papers: list[dict[str, Any]], base_url: str) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", _rss_text(meta.title))
    _sub(channel, "link", meta.page_url)
    _sub(channel, "description", _rss_text(meta.description))
    _sub(channel, f"{{{ATOM}}}link", href=meta.self_url, rel="self", type="application/rss+xml")
    _sub(channel, "lastBuildDate", format_datetime(_updated(papers)))
    for paper in papers:
        item = _sub(channel, "item")
        link = base_url + paper["url"]
        _sub(item, "title", _rss_text(paper["title"]))
        _sub(item, "link", link)
        _sub(item, "guid", link, isPermaLink="true")
        _sub(item, "description", _rss_text(paper["abstract"]))
        _sub(item, "pubDate", format_datetime(_when(paper)))
        for name in paper["authors"]:
            _sub(item, f"{{{DC}}}creator", name)
        for category in paper["categories"]:
            _sub(item, "category", category)
    document: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return document


def render_atom(meta: FeedMeta, papers: list[dict[str, Any]], base_url: str) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, f"{{{ATOM}}}title", meta.title, type="text")
    _sub(feed, f"{{{ATOM}}}subtitle", meta.description, type="text")
    _sub(feed, f"{{{ATOM}}}id", meta.self_url)
    _sub(feed, f"{{{ATOM}}}link", href=meta.page_url, rel="alternate", type="text/html")
    _sub(feed, f"{{{ATOM}}}link", href=meta.self_url, rel="self", type="application/atom+xml")
    _sub(feed, f"{{{ATOM}}}updated", _updated(papers).isoformat())
    author = _sub(feed, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", "paperwire")
    for paper in papers:
        entry = _sub(feed, f"{{{ATOM}}}entry")
        link = base_url + paper["url"]
        _sub(entry, f"{{{ATOM}}}title", paper["title"], type="text")
        _sub(entry, f"{{{ATOM}}}id", link)
        _sub(entry, f"{{{ATOM}}}link", href=link, rel="alternate", type="text/html")
        _sub(entry, f"{{{ATOM}}}updated", _when(paper).isoformat())
        _sub(entry, f"{{{ATOM}}}summary", paper["abstract"], type="text")
        for name in paper["authors"] or ["unknown"]:
            _sub(_sub(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", name)
        for category in paper["categories"]:
            _sub(entry, f"{{{ATOM}}}category", term=category)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def render_feed(fmt: str, meta: FeedMeta, papers: list[dict[str, Any]], base_url: str) -> bytes:
    return (render_rss if fmt == "rss" else render_atom)(meta, papers, base_url)
