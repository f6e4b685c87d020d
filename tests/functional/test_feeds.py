"""RSS 2.0 and Atom feeds parse cleanly (feedparser, no bozo) for every kind of list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import feedparser
import pytest
from starlette.testclient import TestClient

from tests.factories import make_record
from tests.functional.test_feed_escaping import read_as_text

FEEDS = [
    "/feeds/daily.{fmt}",
    "/feeds/daily.{fmt}?date=2025-01-06&cat=cs.LG",
    "/feeds/trending.{fmt}?window=month",
    "/feeds/new.{fmt}?cat=cs.LG",
    "/feeds/search.{fmt}?q=graphs",
    "/categories/cs.LG.{fmt}",
    "/feeds/categories/cs.LG.{fmt}",
    "/authors/Ada Lovelace.{fmt}",
    "/feeds/authors/Ada Lovelace.{fmt}",
]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("path", FEEDS)
def test_feed_parses_without_bozo(client: TestClient, add_papers, path: str, fmt: str) -> None:
    record = make_record(title="Graphs & <things>", abstract="Control\x0bchar and $x<y$", announced=date(2025, 1, 6))
    add_papers(replace(record, upvotes=2))  # an upvoted paper, so that it trends
    response = client.get(path.format(fmt=fmt))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(f"application/{fmt}+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version.startswith(fmt)
    if "search" not in path:  # the search index is not built in this test: title match finds it anyway
        assert read_as_text(parsed.entries[0].title_detail) == "Graphs & <things>"
        assert parsed.entries[0].link.startswith("http://testserver/papers/")


def test_unknown_feed_targets_are_404(client: TestClient) -> None:
    assert client.get("/categories/xx.YY.atom").status_code == 404
    assert client.get("/feeds/daily.json").status_code == 404
    assert client.get("/feeds/authors/Nobody.rss").status_code == 404
