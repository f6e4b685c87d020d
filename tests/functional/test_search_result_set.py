"""One result set per query: the search page, /api/search, /api/papers/search, the search feed and the CLI
agree on which papers match (the relevance floor), and none of them lists a non-match as a result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from paperwire.config import Settings
from tests.factories import make_record

TOPICS = [  # the two diffusion papers are the oldest: a date sort of the candidate pool would bury them
    ("Diffusion models for video generation", "We train video diffusion models.", date(2025, 1, 5)),
    ("Latent diffusion for images", "Diffusion in a latent space.", date(2025, 3, 5)),
    ("Graph neural networks for molecules", "Message passing on molecular graphs.", date(2025, 6, 5)),
    ("Reinforcement learning for robots", "Policies for robot arms.", date(2025, 7, 5)),
    ("Speech recognition at scale", "Acoustic models for speech.", date(2025, 8, 5)),
]


def _store(add_papers, build_index) -> dict[str, str]:
    records = [make_record(title=t, abstract=a, announced=d, published=d) for t, a, d in TOPICS]
    add_papers(*records)
    build_index()
    return {r.title: r.id for r in records}


def _cli(settings: Settings, *args: str) -> dict:
    env = os.environ | {
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_INDEX_DIR": settings.index_dir,
        "PAPERWIRE_EMBEDDER": settings.embedder,
    }
    command = [sys.executable, "-m", "paperwire", "search", *args, "--json"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def _page_ids(client: TestClient, url: str) -> list[str]:
    soup = BeautifulSoup(client.get(url).text, "html.parser")
    links = soup.select(".paper-list .paper-title a")
    return [a["href"].rsplit("/", 1)[-1] for a in links if not a.find_parent(class_="loosely-related")]


def _feed_ids(client: TestClient, q: str) -> list[str]:
    root = ET.fromstring(client.get(f"/feeds/search.rss?q={q}").content)
    return [item.findtext("link").rstrip("/").rsplit("/", 1)[-1] for item in root.iter("item")]


def test_page_api_feed_and_cli_agree_on_the_matches(client: TestClient, add_papers, build_index, settings) -> None:
    ids = _store(add_papers, build_index)
    diffusion = {ids[TOPICS[0][0]], ids[TOPICS[1][0]]}
    api = client.get("/api/search?q=diffusion").json()
    assert api["total"] == len(api["results"]) == 2
    assert {item["paper"]["id"] for item in api["results"]} == diffusion
    listed = client.get("/api/papers/search?q=diffusion").json()
    assert [item["paper"]["id"] for item in listed] == [item["paper"]["id"] for item in api["results"]]
    assert all(item["match"] for item in listed)
    assert set(_page_ids(client, "/search?q=diffusion")) == diffusion
    assert set(_feed_ids(client, "diffusion")) == diffusion
    cli = _cli(settings, "diffusion")
    assert cli["total"] == 2
    assert [h["id"] for h in cli["hits"]] == [item["paper"]["id"] for item in api["results"]]


def test_sorted_searches_and_feeds_start_with_matches(client: TestClient, add_papers, build_index) -> None:
    ids = _store(add_papers, build_index)
    diffusion = {ids[TOPICS[0][0]], ids[TOPICS[1][0]]}
    by_date = client.get("/api/search?q=diffusion&sort=date").json()
    assert [item["paper"]["id"] for item in by_date["results"]] == [ids[TOPICS[1][0]], ids[TOPICS[0][0]]]
    by_votes = client.get("/api/search?q=diffusion&sort=upvotes").json()
    assert {item["paper"]["id"] for item in by_votes["results"]} == diffusion
    assert by_date["total"] == by_votes["total"] == 2
    assert _feed_ids(client, "diffusion") == [ids[TOPICS[1][0]], ids[TOPICS[0][0]]]


def test_gibberish_shows_no_match_and_loosely_related_apart(client: TestClient, add_papers, build_index) -> None:
    _store(add_papers, build_index)
    api = client.get("/api/search?q=asdkjhqwe+zzxq").json()
    assert (api["total"], api["results"]) == (0, [])
    assert len(api["looselyRelated"]) <= 3
    assert all(item["match"] is False for item in client.get("/api/papers/search?q=asdkjhqwe+zzxq").json())
    soup = BeautifulSoup(client.get("/search?q=asdkjhqwe+zzxq").text, "html.parser")
    assert soup.select_one(".no-match").text.startswith("No papers match")
    assert "match" not in soup.select_one("[role=status]").text.replace("No papers match", "")
    outside = [card for card in soup.select(".paper-card") if not card.find_parent(class_="loosely-related")]
    assert outside == []
    assert _feed_ids(client, "asdkjhqwe+zzxq") == []


def test_highlighting_marks_stemmed_terms_and_never_stop_words(client: TestClient, add_papers, build_index) -> None:
    add_papers(make_record(title="Quantization of large language models", abstract="We quantize the models."))
    build_index()
    soup = BeautifulSoup(client.get("/search?q=quantization+of+large+language+models").text, "html.parser")
    marked = [m.text for m in soup.select(".paper-card mark")]
    assert not {"of", "the"} & set(marked)
    assert {"Quantization", "large", "language", "models"} <= set(marked)
    stemmed = BeautifulSoup(client.get("/search?q=model").text, "html.parser")
    assert {m.text for m in stemmed.select(".paper-card mark")} == {"models"}  # "model" marks "models"


def test_the_app_loads_the_index_before_its_first_request(settings, add_papers, build_index) -> None:
    from paperwire.web.app import create_app

    _store(add_papers, build_index)
    app = create_app(settings)
    assert not app.services.search.loaded
    with TestClient(app):  # runs the lifespan, as uvicorn does before it accepts connections
        assert app.services.search.loaded
    app.services.engine.dispose()
