"""Reading papers in Chromium against a real uvicorn server: feed, day change, category filter, paper page
with rendered math, search, similar papers; no console errors. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.search.service import SearchService
from paperwire.storage.papers import upsert_papers
from tests.factories import make_record

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_INDEX_DIR": settings.index_dir,
        "PAPERWIRE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "paperwire.web.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    log = tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.fixture
def library(settings: Settings, engine: Engine) -> None:
    records = [
        make_record(
            id="2501.20001",
            title="Scaling laws with $O(n^2)$ attention",
            categories=("cs.LG",),
            abstract="We show the loss follows $$L(N) = a N^{-\\alpha}$$ for graph transformers.",
            announced=date(2025, 1, 7),
            upvotes=5,
        ),
        make_record(
            id="2501.20002",
            title="Graph transformers for molecules",
            categories=("cs.CV",),
            abstract="Graph transformers help chemistry.",
            announced=date(2025, 1, 7),
            upvotes=2,
        ),
        make_record(
            id="2501.20003",
            title="Earlier graph transformers",
            categories=("cs.LG",),
            abstract="An earlier day with graph transformers.",
            announced=date(2025, 1, 3),
        ),
        make_record(
            id="2501.20004",
            title='<img src=x onerror="alert(1)"> \\href{javascript:alert(2)}{x}',
            abstract="Hostile $\\href{javascript:alert(3)}{click}$ text.",
            announced=date(2025, 1, 7),
        ),
    ]
    with engine.begin() as conn:
        upsert_papers(conn, records)
    SearchService.from_settings(settings, engine).update_index()


@pytest.mark.usefixtures("library")
def test_read_the_feed_open_a_paper_search_and_follow_a_similar_paper(browser: object, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog opened: {dialog.message}"))

    page.goto(server + "/")
    assert "January 07, 2025" in page.locator(".period-label").inner_text()
    page.click("a.prev-period")
    page.wait_for_url("**/papers?date=2025-01-03")
    assert page.locator(".paper-card").count() == 1
    page.click("a.next-period")
    page.wait_for_url("**/papers?date=2025-01-07")
    page.click(".chips a:has-text('cs.CV')")
    page.wait_for_url("**cat=cs.CV")
    assert page.locator(".paper-card .paper-title").all_inner_texts() == ["Graph transformers for molecules"]
    page.goto(server + "/")
    page.screenshot(path=str(ARTIFACTS / "daily.png"), full_page=True)

    page.click("a:has-text('Scaling laws')")
    page.wait_for_url("**/papers/2501.20001")
    page.wait_for_selector("h1.paper-title .katex")
    assert page.locator(".abstract .katex-display").count() == 1
    page.screenshot(path=str(ARTIFACTS / "paper.png"), full_page=True)

    page.fill("#site-q", "graph transformers")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search?q=graph+transformers")
    assert page.locator(".paper-card mark").count() > 0
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.goto(server + "/papers/2501.20001")
    similar = page.locator(".similar a").first
    target = similar.get_attribute("href")
    similar.click()
    page.wait_for_url(f"**{target}")
    assert page.locator("h1.paper-title").count() == 1

    page.goto(server + "/papers/2501.20004")
    page.wait_for_load_state("load")
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
    assert errors == []
