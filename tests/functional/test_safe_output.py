"""Hostile titles, abstracts and author names stay inert in HTML, JSON, RSS, Atom and Markdown."""

from __future__ import annotations

import re
from datetime import date

import feedparser
import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from tests.factories import make_record
from tests.functional.test_feed_escaping import read_as_text

TITLE = '<script>alert("t")</script> <img src=x onerror=alert(1)> [click](javascript:alert(2))'
ABSTRACT = (
    "Math $\\href{javascript:alert(3)}{x}$ and $$\\url{javascript:alert(4)}$$ "
    '<a href="javascript:alert(5)">link</a> </textarea><svg onload=alert(6)> & "quotes"'
)
AUTHOR = '<b onmouseover="alert(7)">Mallory</b> javascript:alert(8)'
HTML_PATHS = [
    "/",
    "/papers/2501.66666",
    "/trending?window=month",
    "/new",
    "/search?q=script",
    "/authors/{author}",
    "/categories/cs.LG",
]


@pytest.fixture
def hostile(add_papers) -> None:
    add_papers(
        make_record(
            id="2501.66666",
            title=TITLE,
            abstract=ABSTRACT,
            authors=(AUTHOR,),
            comment='<iframe src="javascript:alert(9)">',
            announced=date(2025, 1, 6),
            submitted_on=date(2025, 1, 6),  # on the community's list too (/api/daily_papers)
            upvotes=1,  # so that it trends too
        )
    )


def _assert_inert_html(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/static/"), script  # only our own scripts
        assert not script.string
    for tag in soup.find_all(True):
        # our own server-drawn charts (web/charts.py) are <svg class="chart">; hostile text never becomes one
        ours = tag.name == "svg" and "chart" in tag.get("class", [])
        assert ours or tag.name not in {"img", "svg", "iframe", "b"} or (tag.name == "b" and not tag.attrs)
        for attr, value in tag.attrs.items():
            assert not attr.startswith("on"), tag
            values = value if isinstance(value, list) else [value]
            assert not any(str(v).strip().lower().startswith("javascript:") for v in values), tag


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("path", HTML_PATHS)
def test_html_pages_render_hostile_text_inert(client: TestClient, path: str) -> None:
    from urllib.parse import quote

    response = client.get(path.format(author=quote(AUTHOR, safe="")))
    assert response.status_code == 200
    _assert_inert_html(response.text)
    assert "Mallory" in response.text


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("path", ["/api/daily_papers", "/api/papers/2501.66666", "/api/papers", "/api/trending"])
def test_json_returns_text_verbatim_as_data(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<" not in response.text  # <, > and & are \u-escaped: safe even if embedded in HTML
    assert TITLE in _strings(response.json())


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("path", ["/feeds/daily.rss", "/feeds/daily.atom", "/categories/cs.LG.atom"])
def test_feeds_escape_hostile_text(client: TestClient, path: str) -> None:
    parsed = feedparser.parse(client.get(path).content)
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert read_as_text(entry.title_detail) == TITLE  # RSS: escaped HTML that reads as the title
    for detail in (entry.title_detail, entry.summary_detail):
        if detail.type == "text/html":  # what a reader would render as HTML holds no live markup
            assert "<script" not in detail.value
            assert "<svg" not in detail.value
            assert "<a " not in detail.value
        else:
            assert detail.type == "text/plain"


@pytest.mark.usefixtures("hostile")
def test_markdown_escapes_hostile_text(client: TestClient) -> None:
    text = client.get("/papers/2501.66666.md").text
    assert "<script" not in text
    assert "<img" not in text
    assert "<iframe" not in text
    assert not re.search(r"\]\(javascript:", text, re.IGNORECASE)
    links = re.findall(r"\]\(([^)]*)\)", text)
    assert links
    assert all(link.startswith(("http://", "https://")) for link in links)


@pytest.mark.usefixtures("hostile")
def test_html_pages_send_a_content_security_policy(client: TestClient) -> None:
    csp = client.get("/papers/2501.66666").headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
