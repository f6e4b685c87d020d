"""For You through HTTP on a real index (hashing embedder): it follows what the reader saved, says why,
learns from "Not relevant", and the digest's "Recommended for you" is the same ranking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from bs4 import BeautifulSoup
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest.prepare import build_pool, choose_for_page
from paperwire.storage import subscribers as subscribers_repo
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture

DAY = date(2025, 1, 3)
GRAPHS = "graph neural networks message passing over molecular graphs node embeddings"
PROTEINS = "protein folding structure prediction amino acid residues"
SPEECH = "speech recognition acoustic models spoken language audio"


def _papers(engine: Engine) -> dict[str, list[str]]:
    topics = {"graphs": GRAPHS, "proteins": PROTEINS, "speech": SPEECH}
    return {
        name: [
            make_paper(
                engine, title=f"{text.split()[0].title()} study {n}", abstract=f"{text} variant {n}", announced=DAY
            )
            for n in range(5)
        ]
        for name, text in topics.items()
    }


def _items(client) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    page = BeautifulSoup(client.get("/for-you").text, "html.parser")
    return [
        {"id": li.article["data-paper-id"], "why": li.select_one(".why-for-you").text}
        for li in page.select("ol.for-you > li")
    ]


def test_cold_start_asks_for_papers_or_topics(
    settings: Settings, engine: Engine, build_index: Callable[[], None]
) -> None:
    _papers(engine)
    build_index()
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    login(client, user["email"])
    page = BeautifulSoup(client.get("/for-you").text, "html.parser")
    assert page.select_one(".cold-start") is not None
    assert page.select_one('.cold-start a[href="/search"]') is not None


def test_for_you_ranks_by_saved_papers_explains_and_learns(
    settings: Settings, engine: Engine, build_index: Callable[[], None]
) -> None:
    papers = _papers(engine)
    build_index()
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    for paper_id in papers["graphs"][:2]:
        client.post(f"/papers/{paper_id}/save", data={"csrf_token": csrf})
    items = _items(client)
    assert len(items) == 13  # 15 papers less the two saved
    assert {i["id"] for i in items[:3]} == set(papers["graphs"][2:])  # the rest of the saved topic first
    assert not {i["id"] for i in items} & set(papers["graphs"][:2])
    assert items[0]["why"].startswith("Why: close to 'Graph study")
    top = items[0]["id"]
    response = client.post(f"/papers/{top}/not-relevant", data={"csrf_token": csrf, "next": "/for-you"})
    assert response.status_code == 303
    after = _items(client)
    assert top not in [i["id"] for i in after]
    assert [i["id"] for i in after] != [i["id"] for i in items]


def test_digest_recommendations_are_the_for_you_ranking(
    settings: Settings, engine: Engine, build_index: Callable[[], None]
) -> None:
    papers = _papers(engine)
    build_index()
    user = make_user(engine)
    app, _ = make_app(settings)
    client = client_for(app)
    csrf = login(client, user["email"])
    client.post(f"/papers/{papers['proteins'][0]}/save", data={"csrf_token": csrf})
    client.post(f"/papers/{papers['speech'][1]}/not-relevant", data={"csrf_token": csrf})
    assert client.post("/account/digest", data={"csrf_token": csrf}).status_code == 303
    page = _items(client)
    page_order = [i["id"] for i in page]
    digest = app.services.digest
    pool = build_pool(engine, settings, DAY, datetime(2025, 1, 3, 20, tzinfo=UTC), digest.matcher)
    with engine.connect() as conn:
        subscriber = subscribers_repo.get_by_email(conn, user["email"])
        assert subscriber is not None
        [(_, items)] = choose_for_page(conn, settings, [subscriber], pool, DAY)
    recommended = [item.id for item in items if item.section == "recommended"]
    assert len(recommended) == 5
    assert recommended == [pid for pid in page_order if pid in pool.papers][:5]
    page_why = {i["id"]: i["why"].removeprefix("Why: ") for i in page}
    assert [item.why for item in items if item.section == "recommended"] == [page_why[pid] for pid in recommended]


def test_the_digest_reads_follows_from_the_follows_table(
    settings: Settings, engine: Engine, build_index: Callable[[], None]
) -> None:
    papers = _papers(engine)
    build_index()
    other = make_paper(engine, title="Elsewhere", authors=("Jun Suzuki",), categories=("math.CO",), announced=DAY)
    user = make_user(engine)
    app, _ = make_app(settings)
    client = client_for(app)
    csrf = login(client, user["email"])
    assert client.post("/account/digest", data={"csrf_token": csrf}).status_code == 303
    client.post("/follow", data={"csrf_token": csrf, "kind": "author", "target": "jun suzuki"})
    pool = build_pool(engine, settings, DAY, datetime(2025, 1, 3, 20, tzinfo=UTC), app.services.digest.matcher)
    with engine.connect() as conn:
        subscriber = subscribers_repo.get_by_email(conn, user["email"])
        assert subscriber is not None
        [(_, items)] = choose_for_page(conn, settings, [subscriber], pool, DAY)
    followed = [(item.id, item.why) for item in items if item.section == "authors"]
    assert followed == [(other, "by Jun Suzuki, whom you follow")]
    assert not {item.id for item in items if item.section == "authors"} & set(papers["graphs"])
