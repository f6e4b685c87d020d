"""Query budgets for hot pages, pinned in query_counts.json (netbox-style): cold and cached requests.

A change in a count fails the test; if the new count is intended, update the JSON file in the same commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from paperwire.community.library import resolve_follow
from paperwire.config import Settings
from paperwire.storage import library as library_repo
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app
from tests.factories import make_record
from tests.unit.community.support import client_for, login, make_user

BUDGETS = json.loads((Path(__file__).parent / "query_counts.json").read_text())


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("path", sorted(BUDGETS))
def test_query_budget(settings, add_papers, path: str) -> None:
    add_papers(*(make_record(id=f"2501.{i:05d}", announced=date(2025, 1, 6 + i % 3), upvotes=i) for i in range(30)))
    app = create_app(settings)
    app.services.caches.data_version.ttl_s = 0.0  # count the version query too (anonymous reuse skips it ≤1 s)
    engine = app.services.engine
    with TestClient(app) as client:
        with count_queries(engine) as cold:
            assert client.get(path).status_code == 200
        with count_queries(engine) as warm:
            assert client.get(path).status_code == 200
    assert {"cold": len(cold), "warm": len(warm)} == BUDGETS[path], "\n".join(cold)
    engine.dispose()


# The researcher's pages: what a page sends may not grow with what the reader saved or follows.

PERSONAL_PAGES = ["/library", "/following", "/for-you", "/collections/{collection}"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _family(n: int) -> str:
    return "Fam" + "".join(LETTERS[int(d)] for d in f"{n:03d}")  # letters only: names are matched by words


def _reader_with(engine: Engine, count: int, first: int) -> tuple[str, int]:
    """A reader who saved `count` papers (ids from 2501.{first}), all in one collection, and follows
    `count` authors, categories and searches (a third each); returns (e-mail, collection id)."""
    numbers = range(first, first + count)
    records = [
        make_record(
            id=f"2501.{n:05d}",
            authors=(f"Ada {_family(n)}",),
            categories=(f"cs.{LETTERS[n % 26].upper()}{LETTERS[n // 26 % 26].upper()}",),
            announced=date(2025, 1, 6 + n % 3),
        )
        for n in numbers
    ]
    user = make_user(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        upsert_papers(conn, records)
        collection = library_repo.create_collection(conn, user["id"], "Reading", f"pub-{first}", now)
        assert collection is not None
        for n, record in zip(numbers, records, strict=True):
            library_repo.save_paper(conn, user["id"], record.id, now - timedelta(seconds=n))
            library_repo.add_to_collection(conn, collection, record.id, now - timedelta(seconds=n))
            kind, text = [("author", record.authors[0]), ("category", record.categories[0]), ("search", "topic")][n % 3]
            target = resolve_follow(conn, kind, f"{text} {n}" if kind == "search" else text)
            library_repo.add_follow(conn, user["id"], target.kind, target.target, target.label, now)
    return user["email"], collection


@pytest.mark.parametrize("page", PERSONAL_PAGES)
def test_a_personal_page_sends_as_many_statements_for_50_items_as_for_5(
    settings: Settings, engine: Engine, build_index: Callable[[], None], page: str
) -> None:
    readers = {5: _reader_with(engine, 5, 1), 50: _reader_with(engine, 50, 100)}
    build_index()
    app = create_app(settings)
    app.services.caches.data_version.ttl_s = 0.0
    statements, cards = {}, {}
    for count, (email, collection) in readers.items():
        client = client_for(app)
        login(client, email)
        with count_queries(app.services.engine) as statements[count]:
            response = client.get(page.format(collection=collection))
        assert response.status_code == 200
        cards[count] = len(BeautifulSoup(response.text, "html.parser").select("article.paper-card, li.library-item"))
    app.services.engine.dispose()
    if page != "/for-you":  # For You ranks the whole index; the others list what the reader has
        assert cards == {5: 5, 50: 50} if page != "/following" else cards[50] > cards[5] > 0
    assert len(statements[50]) == len(statements[5]), "\n\n".join(statements[50])
