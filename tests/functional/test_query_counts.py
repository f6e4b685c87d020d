"""Query budgets for hot pages, pinned in query_counts.json (netbox-style): cold and cached requests.

A change in a count fails the test; if the new count is intended, update the JSON file in the same commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from paperwire.web.app import create_app
from tests.factories import make_record

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
