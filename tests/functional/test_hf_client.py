"""The official Hugging Face client (huggingface_hub, pinned in the test extra) against a live paperwire.

One uvicorn server per module (in a thread, on a free loopback port, on its own migrated SQLite file)
holds a small week of papers: local submissions with comments, a Hugging Face import, an announcement
nobody submitted, an approved authorship claim and a built search index. Every `HfApi` paper function
is called with each parameter it sends, and the `hf papers` CLI runs as a subprocess with HF_ENDPOINT.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from huggingface_hub import HfApi
from sqlalchemy import update

from paperwire.config import Settings, load_settings
from paperwire.ingest._formats import from_hf_daily
from paperwire.search.service import SearchService
from paperwire.storage import claims, migrate
from paperwire.storage import submissions as submissions_repo
from paperwire.storage.comments import insert_comment
from paperwire.storage.db import make_engine
from paperwire.storage.papers import upsert_papers
from paperwire.storage.tables import papers
from paperwire.web.app import create_app
from tests.factories import make_record
from tests.smtpserver import free_port
from tests.unit.community.support import make_user

MONDAY = date(2025, 2, 3)  # ISO week 2025-W06
HF_BIN = Path(sys.executable).with_name("hf")
HF_ITEM = {
    "paper": {
        "id": "2502.00777",
        "authors": [{"_id": "65b0a1", "name": "Priya Raman", "hidden": False}],
        "publishedAt": "2025-02-02T18:59:59.000Z",
        "title": "Imported from Hugging Face",
        "summary": "Byte-level language models trained at scale.",
        "upvotes": 42,
        "githubRepo": "https://github.com/example/imported",
        "projectPage": "https://example.github.io/imported",
    },
    "publishedAt": "2025-02-04T07:08:09.000Z",
    "title": "Imported from Hugging Face",
    "numComments": 3,
    "submittedBy": {
        "_id": "60f2",
        "avatarUrl": "https://example.org/a.png",
        "fullname": "Niels R.",
        "user": "nielsr",
        "isPro": True,
        "type": "user",
    },
}


@dataclass(frozen=True)
class Live:
    url: str
    settings: Settings
    grace: dict[str, object]
    grace_user: str
    token: str


def _seed(settings: Settings) -> tuple[dict[str, object], str]:
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    grace = make_user(engine, name="Grace Hopper")
    admin = make_user(engine, name="Admin", admin=True)
    records = [
        make_record(
            id="2502.00101",
            title="Sparse attention for long documents",
            abstract="We study sparse attention. Code: https://github.com/example/sparse",
            comment="12 pages. Project page: https://sparse.example.org.",
            announced=MONDAY,
            published=date(2025, 2, 1),
            authors=("Ada Lovelace", "Alan Turing"),
            upvotes=9,
        ),
        make_record(id="2502.00102", title="Announced but nobody submitted it", announced=MONDAY),
        make_record(id="2502.00103", title="Submitted later in the month", announced=date(2025, 2, 19)),
        from_hf_daily(HF_ITEM),
    ]
    when = {
        "2502.00101": datetime(2025, 2, 3, 14, 5, 6, tzinfo=UTC),
        "2502.00103": datetime(2025, 2, 20, 9, tzinfo=UTC),
    }
    with engine.begin() as conn:
        upsert_papers(conn, records)
        for paper_id, moment in when.items():
            submissions_repo.insert_submission(conn, paper_id, int(grace["id"]), moment.date(), moment, "Worth a read")
            conn.execute(update(papers).where(papers.c.id == paper_id).values(submitted_on=moment.date()))
        for body in ("first", "second"):
            insert_comment(
                conn,
                paper_id="2502.00101",
                user_id=grace["id"],
                body_md=body,
                body_html=f"<p>{body}</p>",
                created_at=datetime(2025, 2, 3, 15, tzinfo=UTC),
            )
        author_id = claims.author_of_paper(conn, "2502.00101", "Ada Lovelace")
        assert author_id is not None
        claims.add_claim(conn, "2502.00101", author_id, int(grace["id"]), datetime(2025, 2, 3, tzinfo=UTC))
        [pending] = claims.pending(conn)
        claims.decide(conn, pending["id"], claims.CLAIMED, int(admin["id"]), datetime(2025, 2, 5, tzinfo=UTC))
    SearchService.from_settings(settings, engine).update_index()
    engine.dispose()
    return grace, f"grace-hopper-{grace['id']}"


def _api_token(base: str, email: str) -> str:
    from bs4 import BeautifulSoup

    from tests.unit.community.support import PASSWORD

    with httpx.Client(base_url=base) as client:
        csrf = BeautifulSoup(client.get("/login").text, "html.parser").find("input", {"name": "csrf_token"})["value"]
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
        csrf = BeautifulSoup(client.get("/account").text, "html.parser").find("input", {"name": "csrf_token"})["value"]
        page = client.post("/account/tokens", data={"csrf_token": csrf})
        return str(BeautifulSoup(page.text, "html.parser").find(id="new-token").text)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("hf-live")
    port = free_port()
    settings = load_settings(
        {},
        database_url=f"sqlite:///{root / 'paperwire.db'}",
        index_dir=str(root / "index"),
        embedder="hashing",
        mail_backend="memory",
        base_url=f"http://127.0.0.1:{port}",
        arxiv_api_url=f"http://127.0.0.1:{free_port()}/api/query",  # nothing listens: arXiv unreachable
        submission_max_paper_age_days=100000,
    )
    grace, grace_user = _seed(settings)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    try:
        yield Live(url, settings, grace, grace_user, _api_token(url, str(grace["email"])))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.services.engine.dispose()


@pytest.fixture
def api(live: Live) -> HfApi:
    return HfApi(endpoint=live.url, token=False)


def _ids(items: object) -> list[str]:
    return [p.id for p in items]  # type: ignore[attr-defined]


# list_daily_papers: each parameter it sends


def test_list_daily_papers_without_parameters_lists_the_latest_days_submissions(api: HfApi) -> None:
    assert _ids(api.list_daily_papers(token=False)) == ["2502.00103"]  # the latest day with a list


def test_list_daily_papers_date_lists_only_the_communitys_submissions(api: HfApi) -> None:
    assert _ids(api.list_daily_papers(date="2025-02-03", token=False)) == ["2502.00101"]


def test_list_daily_papers_week(api: HfApi) -> None:
    assert sorted(_ids(api.list_daily_papers(week="2025-W06", token=False))) == ["2502.00101", "2502.00777"]


def test_list_daily_papers_month(api: HfApi) -> None:
    found = _ids(api.list_daily_papers(month="2025-02", token=False))
    assert sorted(found) == ["2502.00101", "2502.00103", "2502.00777"]


def test_list_daily_papers_submitter_takes_the_username(api: HfApi, live: Live) -> None:
    mine = _ids(api.list_daily_papers(month="2025-02", submitter=live.grace_user, token=False))
    assert sorted(mine) == ["2502.00101", "2502.00103"]
    assert _ids(api.list_daily_papers(month="2025-02", submitter="nielsr", token=False)) == ["2502.00777"]
    assert _ids(api.list_daily_papers(month="2025-02", submitter="nobody", token=False)) == []


def test_list_daily_papers_sort_published_at_is_the_default_newest_submission_first(api: HfApi) -> None:
    default = _ids(api.list_daily_papers(month="2025-02", token=False))
    assert default == _ids(api.list_daily_papers(month="2025-02", sort="publishedAt", token=False))
    assert default == ["2502.00103", "2502.00777", "2502.00101"]


def test_list_daily_papers_sort_trending(api: HfApi) -> None:
    trending = _ids(api.list_daily_papers(month="2025-02", sort="trending", token=False))
    assert sorted(trending) == ["2502.00101", "2502.00103", "2502.00777"]
    assert trending == ["2502.00777", "2502.00101", "2502.00103"]  # 42 imported upvotes; 9 and comments; none


def test_list_daily_papers_p_and_limit_page_through(api: HfApi) -> None:
    first = _ids(api.list_daily_papers(month="2025-02", limit=2, token=False))
    second = _ids(api.list_daily_papers(month="2025-02", limit=2, p=1, token=False))
    assert (len(first), len(second)) == (2, 1)
    assert set(first).isdisjoint(second)
    assert len(_ids(api.list_daily_papers(month="2025-02", limit=120, token=False))) == 3


def test_list_daily_papers_fields_as_hugging_face_has_them(api: HfApi, live: Live) -> None:
    [paper] = api.list_daily_papers(date="2025-02-03", token=False)
    assert paper.title == "Sparse attention for long documents"
    assert paper.submitted_at == datetime(2025, 2, 3, 14, 5, 6, tzinfo=UTC)  # the real time, not midnight
    assert paper.comments == 2
    assert paper.submitted_by is not None
    assert (paper.submitted_by.username, paper.submitted_by.fullname) == (live.grace_user, "Grace Hopper")
    assert paper.submitted_by.avatar_url.endswith("/static/avatar.svg")
    assert paper.submitted_by.is_pro is False
    assert paper.discussion_id == "2502.00101"
    assert paper.project_page == "https://sparse.example.org"
    assert paper.github_repo == "https://github.com/example/sparse"
    assert paper.isAuthorParticipating is True  # type: ignore[attr-defined]
    assert paper.thumbnail.endswith("/papers/2502.00101/thumbnail.svg")  # type: ignore[attr-defined]
    ada, alan = paper.authors or []
    assert (ada.name, ada.status, ada.user.username, ada.hidden) == (
        "Ada Lovelace",
        "claimed_verified",
        live.grace_user,
        False,
    )
    assert ada.status_last_changed_at == datetime(2025, 2, 5, tzinfo=UTC)
    assert (alan.status, alan.user) == (None, None)


def test_list_daily_papers_keeps_what_a_hugging_face_import_said(api: HfApi) -> None:
    [paper] = [p for p in api.list_daily_papers(week="2025-W06", token=False) if p.id == "2502.00777"]
    assert paper.submitted_by is not None
    assert (paper.submitted_by.username, paper.submitted_by.fullname, paper.submitted_by.is_pro) == (
        "nielsr",
        "Niels R.",
        True,
    )
    assert paper.comments == 3
    assert (paper.github_repo, paper.project_page) == (
        "https://github.com/example/imported",
        "https://example.github.io/imported",
    )
    assert paper.submitted_at == datetime(2025, 2, 4, 7, 8, 9, tzinfo=UTC)
    assert paper.published_at == datetime(2025, 2, 2, 18, 59, 59, tzinfo=UTC)


# paper_info, list_papers (search), read_paper


def test_paper_info_has_the_submitter_and_hugging_face_fields(api: HfApi, live: Live) -> None:
    info = api.paper_info("2502.00101")
    assert info.title == "Sparse attention for long documents"
    assert info.submitted_by is not None  # from submittedOnDailyBy
    assert info.submitted_by.username == live.grace_user
    assert info.submitted_at == datetime(2025, 2, 3, 14, 5, 6, tzinfo=UTC)
    assert info.upvotes == 9
    assert info.comments == 2
    assert info.ai_keywords == []  # until keywords are computed (test_keyphrases.py)
    assert info.ai_summary is None
    assert info.organization is None


def test_paper_info_of_an_unknown_paper_is_404(api: HfApi) -> None:
    from huggingface_hub.errors import HfHubHTTPError

    with pytest.raises(HfHubHTTPError) as raised:
        api.paper_info("2502.09999")
    assert raised.value.response.status_code == 404


def test_list_papers_query_finds_papers(api: HfApi) -> None:
    assert "2502.00101" in _ids(api.list_papers(query="sparse attention"))


def test_list_papers_limit_up_to_120(api: HfApi) -> None:
    assert len(_ids(api.list_papers(query="paper attention models", limit=1))) == 1
    assert len(_ids(api.list_papers(query="paper attention models", limit=120))) >= 2


def test_list_papers_results_carry_real_comment_counts_and_submitters(api: HfApi, live: Live) -> None:
    [hit] = [p for p in api.list_papers(query="sparse attention") if p.id == "2502.00101"]
    assert hit.comments == 2
    assert hit.submitted_by is not None
    assert hit.submitted_by.username == live.grace_user


def test_read_paper_returns_markdown(api: HfApi) -> None:
    text = api.read_paper("2502.00101")
    assert text.startswith("# Sparse attention for long documents")
    assert "**Submitted by:** Grace Hopper (2025\\-02\\-03)" in text
    assert "**Submitter's comment:** Worth a read" in text


# the `hf papers` CLI with HF_ENDPOINT


def _hf_env(live: Live, tmp_path: Path) -> dict[str, str]:
    """The `hf` CLI's environment: online, at our server. The embedder sets HF_HUB_OFFLINE=1 in this
    process (the model never comes from a hub), which the CLI would otherwise inherit and obey."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    return {**env, "HF_ENDPOINT": live.url, "HF_HOME": str(tmp_path / "hf-home")}


def _hf(live: Live, tmp_path: Path, *args: str) -> object:
    env = {
        **_hf_env(live, tmp_path),
        "HF_ENDPOINT": live.url,
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [str(HF_BIN), "papers", *args, "--format", "json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--date", "2025-02-03"), ["2502.00101"]),
        (("--week", "2025-W06"), ["2502.00101", "2502.00777"]),
        (("--month", "2025-02"), ["2502.00101", "2502.00103", "2502.00777"]),
        (("--month", "2025-02", "--submitter", "nielsr"), ["2502.00777"]),
        (("--month", "2025-02", "--sort", "trending"), ["2502.00101", "2502.00103", "2502.00777"]),
        (("--month", "2025-02", "--sort", "publishedAt", "--limit", "1"), ["2502.00103"]),
    ],
)
def test_hf_papers_ls(live: Live, tmp_path: Path, args: tuple[str, ...], expected: list[str]) -> None:
    rows = _hf(live, tmp_path, "ls", *args)
    assert sorted(r["id"] for r in rows) == expected  # type: ignore[attr-defined]
    assert all(r["submitted_by_name"] for r in rows)  # type: ignore[attr-defined]  # the column HF shows


def test_hf_papers_search_info_and_read(live: Live, tmp_path: Path) -> None:
    found = _hf(live, tmp_path, "search", "sparse attention", "--limit", "5")
    assert "2502.00101" in [r["id"] for r in found]  # type: ignore[attr-defined]
    info = _hf(live, tmp_path, "info", "2502.00101")
    assert info["submitted_by"]["fullname"] == "Grace Hopper"  # type: ignore[index]
    env = _hf_env(live, tmp_path)
    done = subprocess.run([str(HF_BIN), "papers", "read", "2502.00101"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Sparse attention")


# Hugging Face's write routes, with Bearer tokens


def test_post_api_papers_submit_with_a_comment(live: Live) -> None:
    headers = {"Authorization": f"Bearer {live.token}"}
    response = httpx.post(
        f"{live.url}/api/papers/submit", json={"paper_id": "2502.00102", "comment": "Nice"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["paper_id"] == "2502.00102"
    info = httpx.get(f"{live.url}/api/papers/2502.00102").json()
    assert info["submittedOnDailyBy"]["user"] == live.grace_user
    assert httpx.post(f"{live.url}/api/papers/submit", json={"paper_id": "2502.00102"}).status_code == 403


def test_post_api_papers_index_answers_for_a_known_paper_and_fails_fast_when_arxiv_is_down(live: Live) -> None:
    headers = {"Authorization": f"Bearer {live.token}"}
    known = httpx.post(f"{live.url}/api/papers/index", json={"arxivId": "2502.00101"}, headers=headers)
    assert (known.status_code, known.json()["indexed"]) == (200, False)
    started = time.monotonic()
    unknown = httpx.post(f"{live.url}/api/papers/index", json={"arxivId": "2502.08888"}, headers=headers, timeout=30)
    assert time.monotonic() - started < 5
    assert unknown.status_code == 503
    assert unknown.json()["error"].startswith("arXiv did not answer just now")
    assert "Errno" not in unknown.text


# Hugging Face's page URLs


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/papers/date/2025-02-03", "/papers?date=2025-02-03"),
        ("/papers/week/2025-W06", "/papers?week=2025-W06"),
        ("/papers/month/2025-02", "/papers?month=2025-02"),
        ("/papers/trending", "/trending"),
    ],
)
def test_hugging_face_page_urls_redirect(live: Live, path: str, target: str) -> None:
    response = httpx.get(live.url + path)
    assert (response.status_code, response.headers["location"]) == (308, target)
    assert httpx.get(live.url + path, follow_redirects=True).status_code == 200
