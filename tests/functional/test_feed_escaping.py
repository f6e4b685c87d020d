"""Every feed escapes every field the same way (issue 16, item 8): feedparser reads the hostile corpus
back as the text it is, in titles, descriptions and author names of the channel and of each item."""

from __future__ import annotations

from datetime import date

import feedparser
import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from tests.factories import make_record

CORPUS = [
    '<script>alert("t")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(5)">link</a>',
    "</textarea><svg onload=alert(6)>",
    "&lt;img src=x onerror=alert(7)&gt;",  # already-escaped text must not turn into markup
    "<![CDATA[<img src=x>]]>",
    "\"quotes\" & 'apostrophes' & <b>bold</b>",
]
AUTHOR = "Mallory <img src=x onerror=alert(8)> O'Hara"
FEEDS = [
    "/feeds/daily.{fmt}",
    "/feeds/trending.{fmt}?window=month",
    "/feeds/new.{fmt}",
    "/feeds/search.{fmt}?q=hostile",
    "/categories/cs.LG.{fmt}",
    "/authors/{author}.{fmt}",
]


@pytest.fixture
def hostile(add_papers, build_index) -> None:  # type: ignore[no-untyped-def]
    add_papers(
        *(
            make_record(
                title=f"hostile {text}",
                abstract=f"hostile abstract {text}",
                authors=(AUTHOR,),
                announced=date(2025, 1, 6),
                upvotes=1,
            )
            for text in CORPUS
        )
    )
    build_index()


def read_as_text(detail: dict[str, str]) -> str:
    """What a reader shows for a field: text as is, HTML as the text it renders (no element allowed)."""
    if detail["type"] == "text/html":
        soup = BeautifulSoup(detail["value"], "html.parser")
        assert soup.find_all(True) == [], detail  # no live markup at all
        return soup.get_text()
    assert detail["type"] == "text/plain", detail
    return detail["value"]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("feed", FEEDS)
def test_every_feed_reads_back_the_hostile_corpus_as_text(client: TestClient, feed: str, fmt: str) -> None:
    from urllib.parse import quote

    response = client.get(feed.format(fmt=fmt, author=quote(AUTHOR, safe="")))
    assert response.status_code == 200, response.text[:200]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == len(CORPUS)
    titles = {read_as_text(entry.title_detail) for entry in parsed.entries}
    assert titles == {f"hostile {text}" for text in CORPUS}
    summaries = {read_as_text(entry.summary_detail) for entry in parsed.entries}
    assert summaries == {f"hostile abstract {text}" for text in CORPUS}
    assert {entry.author for entry in parsed.entries} == {AUTHOR}
    channel_text = read_as_text(parsed.feed.title_detail) + " " + read_as_text(parsed.feed.subtitle_detail)
    if "authors" in feed:
        assert AUTHOR in channel_text  # the author feed names the author in its title and description
