"""The topic map, topic pages, Rising and their JSON, binary and feeds, through HTTP on a real index."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from pydantic import TypeAdapter
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.domain.papers import PaperRecord
from paperwire.web import topic_schema
from tests.topic_papers import FIELDS, topic_records


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, map_topics=3)  # the three fields of tests/topic_papers.py


@pytest.fixture
def mapped(
    app: FastAPI, add_papers: Callable[..., list[PaperRecord]], build_index: Callable[[], None]
) -> list[PaperRecord]:
    records = add_papers(*topic_records())
    build_index()
    app.services.topics.build()
    return records


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def test_map_page_without_a_map_says_how_to_build_it(client: TestClient) -> None:
    page = _soup(client.get("/map"))
    assert "paperwire map build" in page.select_one(".empty").get_text()
    assert page.select_one("#map") is None
    missing = client.get("/api/map")
    assert missing.status_code == 404
    assert "paperwire map build" in missing.json()["error"]
    assert client.get("/api/map/points.bin").status_code == 404
    rising = _soup(client.get("/rising"))
    assert "paperwire map build" in rising.select_one(".empty").get_text()


def test_map_page_has_a_static_image_with_a_link_per_topic(client: TestClient, mapped: list[PaperRecord]) -> None:
    page = _soup(client.get("/map"))
    frame = page.select_one("#map")
    assert frame is not None
    svg_links = [a["href"] for a in frame.select("svg a")]
    assert svg_links == ["/topics/0", "/topics/1", "/topics/2"]
    assert len(frame.select("svg circle")) == 90
    listed = [a["href"] for a in page.select(".topic-list a")]
    assert listed == svg_links
    assert page.select_one('script[src^="/static/map.js"]') is not None


def test_points_binary_holds_every_paper(client: TestClient, mapped: list[PaperRecord]) -> None:
    response = client.get("/api/map/points.bin")
    body = response.content
    assert body[:4] == b"PWM1"
    papers, topics = struct.unpack("<II", body[4:12])
    assert (papers, topics, len(body)) == (90, 3, 12 + 6 * 90)
    again = client.get("/api/map/points.bin", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    meta = client.get("/api/map").json()
    TypeAdapter(topic_schema.MapPublic).validate_python(meta, strict=False)
    assert meta["map"]["papers"] == 90
    assert [t["id"] for t in meta["topics"]] == [0, 1, 2]


def test_point_detail_names_the_paper_and_its_topic(client: TestClient, mapped: list[PaperRecord]) -> None:
    detail = client.get("/api/map/points/0").json()
    TypeAdapter(topic_schema.MapPoint).validate_python(detail, strict=False)
    titles = {r.id: r.title for r in mapped}
    assert detail["title"] == titles[detail["id"]]
    assert detail["url"] == f"/papers/{detail['id']}"
    assert client.get("/api/map/points/90").status_code == 404


def test_map_search_highlights_the_matching_field(client: TestClient, mapped: list[PaperRecord]) -> None:
    rows = client.get("/api/map/search", params={"q": "robot grasping"}).json()["rows"]
    assert rows
    categories = {r.id: r.categories[0] for r in mapped}
    found = {categories[client.get(f"/api/map/points/{row}").json()["id"]] for row in rows[:5]}
    assert found == {"cs.RO"}
    assert client.get("/api/map/search", params={"q": "x", "limit": 0}).status_code == 400


def test_mine_is_empty_when_signed_out(client: TestClient, mapped: list[PaperRecord]) -> None:
    assert client.get("/api/map/mine").json() == {"signed_in": False, "upvoted": [], "saved": []}


def test_topic_page_lists_newest_papers_terms_and_neighbours(client: TestClient, mapped: list[PaperRecord]) -> None:
    data = client.get("/api/topics/0").json()
    TypeAdapter(topic_schema.TopicPage).validate_python(data, strict=False)
    field_of = {r.id: r.categories[0] for r in mapped}
    fields = {field_of[p["paper"]["id"]] for p in data["papers"]}
    assert len(data["papers"]) == 20
    assert len(fields) == 1
    (field,) = fields
    dates = [p["publishedAt"] for p in data["papers"]]
    assert dates == sorted(dates, reverse=True)
    assert set(data["topic"]["terms"][:3]) <= set(FIELDS[field])
    assert {n["id"] for n in data["neighbours"]} == {1, 2}
    page = _soup(client.get("/topics/0"))
    assert page.select_one("h1").get_text() == data["topic"]["label"]
    assert [a["href"] for a in page.select('nav[aria-label="Neighbouring topics"] a')] == [
        n["url"] for n in data["neighbours"]
    ]


def test_topic_feeds_parse(client: TestClient, mapped: list[PaperRecord]) -> None:
    for fmt in ("atom", "rss"):
        feed = feedparser.parse(client.get(f"/topics/1.{fmt}").text)
        assert not feed.bozo
        assert len(feed.entries) == 20


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/topics/9", 404),
        ("/api/topics/9", 404),
        ("/topics/abc", 400),
        ("/rising?days=5", 400),
        ("/api/rising?days=x", 400),
    ],
)
def test_bad_topic_and_window_are_refused(
    client: TestClient, mapped: list[PaperRecord], path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status


def test_rising_lists_topics_with_growth_and_sparklines(client: TestClient, mapped: list[PaperRecord]) -> None:
    data = client.get("/api/rising", params={"days": 30}).json()
    TypeAdapter(topic_schema.RisingPage).validate_python(data, strict=False)
    assert data["topics"]
    growths = [t["growth"] for t in data["topics"]]
    assert growths == sorted(growths, reverse=True)
    first = data["topics"][0]
    assert len(first["weekly_share"]) == 12
    assert first["drivers"]
    page = _soup(client.get("/rising?days=30"))
    items = page.select(".rising-list > li")
    assert len(items) == len(data["topics"])
    assert items[0].select_one("svg.sparkline") is not None
    assert len(items[0].select("tbody tr")) == 12
