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
from hypothesis.errors import Unsatisfiable
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


def _run(
    schema: Any, headers: dict[str, str], mode: Any, examples: int, skip: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[str]]:
    """Every operation, `examples` generated cases each, every check schemathesis has but those `skip`
    names for the operation ("*": all operations); (failures, calls)."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    names = CHECKS.get_all_names()
    failures: list[str] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        skipped = skip.get("*", ()) + skip.get(f"{operation.method.upper()} {operation.path}", ())
        checks = [CHECKS.get_one(name) for name in names if name not in skipped]

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=examples,
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
            try:
                case.validate_response(response, checks=checks, headers=headers)  # noqa: B023 - called at once
            except BaseExceptionGroup as error:  # schemathesis's FailureGroup names each failed check
                found = sorted({line.strip("- ").strip() for line in str(error).splitlines() if line.startswith("- ")})
                failures.append(f"{case.method} {case.path} -> {response.status_code}: {'; '.join(found)}")

        try:
            check()
        except Unsatisfiable:  # nothing to make invalid (no parameters, or only free-form strings)
            continue
    return failures, calls


def test_no_server_errors(api: tuple[Any, dict[str, str]]) -> None:
    from schemathesis import GenerationMode

    schema, headers = api
    # Every check, positive_data_acceptance included: the schema publishes each parameter's rule (enums,
    # bounds, patterns: web/params.py). One exception: /api/daily_papers takes at most one of date, week
    # and month, which a schema of independent parameters cannot say (it answers 400 naming the rule).
    skip = {"GET /api/daily_papers": ("positive_data_acceptance",)}
    failures, calls = _run(schema, headers, GenerationMode.POSITIVE, 8, skip=skip)
    print(f"schemathesis positive: {len(calls)} cases over {len(set(calls))} operations, {len(failures)} failures")
    assert failures == [], "\n".join(failures)
    assert {"POST /api/papers/{paper_id}/vote", "POST /api/submissions"} <= set(calls)


def test_negative_data_gets_documented_4xx_never_5xx(api: tuple[Any, dict[str, str]]) -> None:
    """Schemathesis with negative data and all checks: no 5xx, no undocumented status code, no schema
    mismatch (issue 16, item 7); the number of cases run is printed for docs/security.md."""
    from schemathesis import GenerationMode

    schema, headers = api
    failures, calls = _run(schema, headers, GenerationMode.NEGATIVE, 12, skip={})
    print(f"schemathesis negative: {len(calls)} cases over {len(set(calls))} operations, {len(failures)} failures")
    assert failures == [], "\n".join(failures)
    assert len(set(calls)) >= 10
