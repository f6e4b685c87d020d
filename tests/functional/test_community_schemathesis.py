"""Schemathesis against /openapi.json: generated requests to every operation never get a 5xx.

Bounded: a few examples per operation, no shrinking deadline; a real personal API token is sent so the
community write endpoints get past authentication.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine

from paperwire.config import Settings
from tests.httpserver import ScriptedServer, serve
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

schemathesis = pytest.importorskip("schemathesis")

__all__ = ["dispose_apps"]  # an autouse fixture
DATA = Path(__file__).resolve().parents[1] / "data" / "arxiv"


@pytest.fixture
def arxiv() -> Iterator[ScriptedServer]:
    yield from serve()


@pytest.fixture
def api(settings: Settings, engine: Engine, arxiv: ScriptedServer) -> tuple[Any, dict[str, str]]:
    from bs4 import BeautifulSoup

    make_paper(engine, id="2401.12345")
    empty_feed = (DATA / "api_id_list_with_error.xml").read_text()
    arxiv.add("/api/query", [(200, {}, empty_feed)])
    app = make_app(Settings(**{**settings.__dict__, "arxiv_api_url": arxiv.url + "/api/query"}))[0]
    client = client_for(app)
    csrf = login(client, make_user(engine)["email"])
    token = BeautifulSoup(client.post("/account/tokens", data={"csrf_token": csrf}).text, "html.parser")
    return (
        schemathesis.openapi.from_asgi("/openapi.json", app),
        {"Authorization": f"Bearer {token.find(id='new-token').text}"},
    )


def test_no_server_errors(api: tuple[Any, dict[str, str]]) -> None:
    schema, headers = api
    failures: list[str] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            calls.append(f"{case.method} {case.path}")
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        check()
    assert failures == []
    assert {"POST /api/papers/{paper_id}/vote", "POST /api/submissions"} <= set(calls)
