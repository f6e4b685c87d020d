"""The topic map in Chromium: hover shows the title, a click opens the paper, search highlights the
matches, a label opens its topic, and without script the server's image (with label links) is there.
Screenshots of the map (desktop, dark, phone), a topic page, Rising and a category chart go to
test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.search.service import SearchService
from paperwire.storage.papers import upsert_papers
from paperwire.topics.service import TopicMapService
from tests.browser.look import DESKTOP, PHONE, SCREENSHOTS, watch_errors
from tests.topic_papers import topic_records
from tests.unit.community.support import uvicorn_server

pytestmark = pytest.mark.browser
READY = "() => document.getElementById('map').dataset.ready === '1'"


@pytest.fixture
def map_site(settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    records = topic_records()
    with engine.begin() as conn:
        upsert_papers(conn, records)
    search = SearchService.from_settings(settings, engine)
    search.update_index()
    TopicMapService(search, replace(settings, map_topics=3)).build()
    env = {
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_INDEX_DIR": settings.index_dir,
        "PAPERWIRE_MAIL_BACKEND": "memory",
    }
    with uvicorn_server(env) as url:
        yield url, {r.id: r.title for r in records}


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _hover_row(page: Any, row: int) -> None:
    x, y = page.evaluate(f"window.paperwireMap.screenOf({row})")
    box = page.locator("#map canvas").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)


def test_hover_click_search_and_labels(browser: Any, map_site: tuple[str, dict[str, str]]) -> None:
    url, titles = map_site
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(url + "/map")
    page.wait_for_function(READY)
    assert page.locator("#map-static").is_hidden()
    row = 5
    detail = page.evaluate(f"fetch('/api/map/points/{row}').then(r => r.json())")
    _hover_row(page, row)
    tip = page.locator(".map-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().startswith(titles[detail["id"]])
    page.fill("#map-q", "robot grasping")
    page.click("#map-search button[type=submit]")
    page.wait_for_function("() => window.paperwireMap.state.matches.length > 0")
    assert "matching papers highlighted" in page.locator("#map-status").inner_text()
    _shot(page, "map-desktop")
    _hover_row(page, row)
    tip.wait_for(state="visible")
    page.mouse.down()
    page.mouse.up()
    page.wait_for_url(f"**/papers/{detail['id']}")
    page.goto(url + "/map")
    page.wait_for_function(READY)
    label = page.locator(".map-labels a:not([hidden])").first
    href = label.get_attribute("href")
    label.click()
    page.wait_for_url(f"**{href}")
    _shot(page, "topic-page")
    page.goto(url + "/rising?days=30")
    _shot(page, "rising")
    page.goto(url + "/categories/cs.RO")
    _shot(page, "category-chart")
    assert errors == []
    context.close()


def test_dark_mode_and_phone(browser: Any, map_site: tuple[str, dict[str, str]]) -> None:
    url, _ = map_site
    dark = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    page = dark.new_page()
    page.goto(url + "/map")
    page.wait_for_function(READY)
    background = page.evaluate("getComputedStyle(document.getElementById('map')).backgroundColor")
    assert background != "rgb(246, 247, 249)"  # the dark card colour, not the light one
    _shot(page, "map-dark")
    dark.close()
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    errors = watch_errors(page)
    page.goto(url + "/map")
    page.wait_for_function(READY)
    width = page.evaluate("document.getElementById('map').getBoundingClientRect().width")
    assert width <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "map-phone")
    assert errors == []
    phone.close()


def test_without_script_the_image_and_its_label_links_remain(
    browser: Any, map_site: tuple[str, dict[str, str]]
) -> None:
    url, _ = map_site
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "/map")
    assert page.locator("#map-static svg").is_visible()
    links = page.locator("#map-static svg a")
    assert links.count() == 3
    links.first.click()
    page.wait_for_url("**/topics/*")
    assert page.locator("h1").inner_text()
    page.goto(url + "/map")
    _shot(page, "map-no-script")
    context.close()
