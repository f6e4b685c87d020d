"""Two app processes on one PostgreSQL: votes and comments from both all count, none twice.

Needs PAPERWIRE_TEST_DATABASE_URL (PostgreSQL); skipped otherwise.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, func, select

from paperwire.config import Settings
from paperwire.storage.community_tables import comments, votes
from paperwire.storage.tables import papers
from tests.unit.community.support import PASSWORD, make_paper, make_user, uvicorn_server

pytestmark = pytest.mark.skipif(
    not os.environ.get("PAPERWIRE_TEST_DATABASE_URL"), reason="needs PAPERWIRE_TEST_DATABASE_URL (PostgreSQL)"
)
USERS = 12


def _api_token(base: str, email: str) -> str:
    with httpx.Client(base_url=base) as client:
        csrf = BeautifulSoup(client.get("/login").text, "html.parser").find("input", {"name": "csrf_token"})["value"]
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
        csrf = BeautifulSoup(client.get("/account").text, "html.parser").find("input", {"name": "csrf_token"})["value"]
        page = client.post("/account/tokens", data={"csrf_token": csrf})
        return str(BeautifulSoup(page.text, "html.parser").find(id="new-token").text)


def _act(base: str, token: str, paper_ids: list[str]) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    statuses = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for paper_id in paper_ids:
            statuses.append(client.post(f"/api/papers/{paper_id}/vote").status_code)
            statuses.append(client.post(f"/api/papers/{paper_id}/vote").status_code)  # a double click
            response = client.post(f"/api/papers/{paper_id}/comments", json={"body": f"from {base}"})
            statuses.append(response.status_code)
    return statuses


def test_two_processes_count_every_vote_once(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    paper_ids = [make_paper(engine) for _ in range(3)]
    accounts = [make_user(engine) for _ in range(USERS)]
    env = {
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_MAIL_BACKEND": "memory",
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
    }
    with uvicorn_server(env) as first, uvicorn_server(env) as second:
        bases = [first, second]
        tokens = [_api_token(bases[i % 2], a["email"]) for i, a in enumerate(accounts)]
        with ThreadPoolExecutor(USERS * 2) as pool:
            jobs = [
                pool.submit(_act, bases[(i + k) % 2], token, paper_ids)
                for i, token in enumerate(tokens)
                for k in (0, 1)
            ]
            statuses = [s for job in jobs for s in job.result()]
    assert set(statuses) == {200}
    with engine.connect() as conn:
        upvotes = dict(conn.execute(select(papers.c.id, papers.c.upvotes).where(papers.c.id.in_(paper_ids))).all())
        assert conn.execute(select(func.count()).select_from(votes)).scalar_one() == USERS * len(paper_ids)
        assert conn.execute(select(func.count()).select_from(comments)).scalar_one() == USERS * 2 * len(paper_ids)
    assert upvotes == dict.fromkeys(paper_ids, USERS)
