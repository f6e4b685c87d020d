"""XML helpers shared by the OAI-PMH, API and RSS parsers (stdlib ElementTree, namespaced)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from paperwire.errors import UpstreamUnavailable

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "arXiv": "http://arxiv.org/OAI/arXiv/",
    "arXivRaw": "http://arxiv.org/OAI/arXivRaw/",
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class MalformedResponse(UpstreamUnavailable):
    """arXiv answered with something that is not the XML we expect (truncated, HTML error page)."""


def parse_xml(text: str, url: str) -> ET.Element:
    """Parse a response body; MalformedResponse names the URL and the parser's complaint."""
    try:
        return ET.fromstring(text)  # noqa: S314 - arXiv's XML has no DTDs; expat does not fetch entities
    except ET.ParseError as exc:
        raise MalformedResponse(f"{url}: malformed XML ({exc})") from None


def child_text(element: ET.Element, path: str) -> str | None:
    """Stripped text of the first match of `path` (prefixes from NS), or None when absent or empty."""
    found = element.find(path, NS)
    if found is None:
        return None
    text = "".join(found.itertext()).strip()
    return text or None


def all_text(element: ET.Element, path: str) -> list[str]:
    """Stripped, non-empty texts of every match of `path`."""
    texts = ("".join(found.itertext()).strip() for found in element.iterfind(path, NS))
    return [text for text in texts if text]
