"""Shared set-up for the look tests: a site with papers and a reader, a logged-in browser context, axe-core."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.search.service import SearchService
from paperwire.storage.papers import upsert_papers
from paperwire.topics.service import TopicMapService
from tests.factories import make_record
from tests.unit.community.support import PASSWORD, make_user, uvicorn_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE = REPO / "build" / "npm" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
LAPTOP = {"width": 1024, "height": 768}
PHONE = {"width": 375, "height": 812}
READER_NAME = "Ada Lovelace-Byron"

TITLES = [
    ("Scaling laws for sparse mixture-of-experts language models", ("cs.CL", "cs.LG")),
    ("Diffusion transformers for high-resolution image synthesis", ("cs.CV",)),
    ("A graph neural network benchmark for molecular property prediction", ("cs.LG", "q-bio.QM")),
    ("Provably efficient exploration with $O(\\sqrt{T})$ regret", ("cs.LG", "stat.ML")),
    ("Retrieval-augmented generation under distribution shift", ("cs.CL", "cs.IR")),
    ("Learning to walk in ten minutes with massively parallel simulation", ("cs.RO",)),
]


@dataclass
class Site:
    url: str
    today: date
    empty_day: date
    paper_ids: list[str]
    reader: dict[str, Any]
    pages: dict[str, str] = field(default_factory=dict)


def add_library(settings: Settings, engine: Engine) -> tuple[date, date, list[str]]:
    """Papers on today, yesterday and a week ago (the days between have none)."""
    today = datetime.now(UTC).date()
    days = [today, today - timedelta(days=1), today - timedelta(days=7)]
    records = []
    for number, (title, categories) in enumerate(TITLES):
        day = days[min(number // 2, 2)]
        records.append(
            make_record(
                id=f"{today:%y%m}.{90001 + number:05d}",
                title=title,
                categories=categories,
                authors=("Grace Hopper", "Alan Turing", "Katherine Johnson"),
                abstract=f"We study {title.lower()}. Our method improves on strong baselines. "
                "The loss follows $$L(N) = a N^{-\\alpha}$$ over three orders of magnitude.",
                published=day,
                announced=day,
            )
        )
    with engine.begin() as conn:
        upsert_papers(conn, records)
    search = SearchService.from_settings(settings, engine)
    search.update_index()
    TopicMapService(search, settings).build()  # /map, /topics/{id} and /rising have something to show
    return today, today - timedelta(days=3), [r.id for r in records]


@pytest.fixture
def site(settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[Site]:
    today, empty_day, ids = add_library(settings, engine)
    reader = make_user(engine, name=READER_NAME, email="ada@example.org")
    env = {
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_INDEX_DIR": settings.index_dir,
        "PAPERWIRE_MAIL_BACKEND": "memory",
    }
    from tests.smtpserver import free_port

    port = free_port()
    env["PAPERWIRE_BASE_URL"] = f"http://127.0.0.1:{port}"
    with uvicorn_server(env, port) as url:
        yield Site(url, today, empty_day, ids, reader)


def log_in(context: Any, site: Site) -> None:
    page = context.new_page()
    page.goto(site.url + "/login")
    page.fill("#login-email", site.reader["email"])
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(site.url + "/")
    page.close()


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page (the context must bypass the CSP to inject it)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make axe`")
    page.add_script_tag(path=str(AXE))
    script = """async () => {
      const result = await axe.run(document, {resultTypes: ["violations"]});
      return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }"""
    return list(page.evaluate(script))


def save_json(name: str, payload: Any) -> None:
    (ARTIFACTS / name).parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
