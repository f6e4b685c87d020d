"""Charts on category, author and paper pages: server-rendered SVG with the same numbers in a table,
and the "where am I on the map" rows of a signed-in reader's upvotes."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.search.service import SearchService
from paperwire.topics.service import TopicMapService
from paperwire.web.charts import day_series, month_series
from tests.factories import make_record
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def _table(page: BeautifulSoup, section_id: str) -> list[tuple[str, str]]:
    section = page.find("section", attrs={"aria-labelledby": section_id})
    assert section is not None, f"no chart {section_id}"
    assert section.select_one("svg.chart[role=img]") is not None
    return [(row.select("td")[0].get_text(), row.select("td")[1].get_text()) for row in section.select("tbody tr")]


def _page(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def test_category_page_charts_papers_per_day_with_a_table(client: TestClient, add_papers, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    days = [date(2025, 1, 6), date(2025, 1, 6), date(2025, 1, 8)]
    add_papers(*[make_record(categories=("cs.RO",), announced=d) for d in days])
    page = _page(client, "/categories/cs.RO")
    assert _table(page, "days-chart") == [("2025-01-06", "2"), ("2025-01-07", "0"), ("2025-01-08", "1")]
    bars = page.select("section[aria-labelledby=days-chart] rect.chart-bar")
    assert len(bars) == 3
    assert client.get("/api/categories/cs.RO").json()["papers_per_day"][0] == {"label": "2025-01-06", "value": 2}


def test_author_page_charts_papers_per_month(client: TestClient, add_papers) -> None:  # type: ignore[no-untyped-def]
    add_papers(
        make_record(authors=("Hedy Lamarr",), announced=date(2025, 1, 6)),
        make_record(authors=("Hedy Lamarr",), announced=date(2025, 3, 2)),
    )
    page = _page(client, "/authors/Hedy Lamarr")
    assert _table(page, "months-chart") == [("2025-01", "1"), ("2025-02", "0"), ("2025-03", "1")]


def test_paper_page_charts_upvotes_over_time_and_the_map_marks_them(settings: Settings, engine: Engine) -> None:
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    paper_id = make_paper(engine)
    assert client.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code == 303
    rows = _table(_page(client, f"/papers/{paper_id}"), "upvotes-chart")
    assert len(rows) == 1
    assert rows[0][1] == "1"
    SearchService.from_settings(settings, engine).update_index()
    TopicMapService(SearchService.from_settings(settings, engine), settings).build()
    assert client.get("/api/map/mine").json() == {"signed_in": True, "upvoted": [0], "saved": []}
    assert client.post(f"/papers/{paper_id}/save", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/api/map/mine").json() == {"signed_in": True, "upvoted": [0], "saved": [0]}


def test_a_paper_without_votes_has_no_chart(client: TestClient, add_papers) -> None:  # type: ignore[no-untyped-def]
    [record] = add_papers(make_record())
    page = _page(client, f"/papers/{record.id}")
    assert page.find("section", attrs={"aria-labelledby": "upvotes-chart"}) is None


def test_series_fill_gaps_and_accumulate() -> None:
    points = [(date(2025, 1, 1), 2), (date(2025, 1, 3), 1)]
    assert [p["value"] for p in day_series(points)] == [2, 0, 1]
    assert [p["value"] for p in day_series(points, cumulative=True)] == [2, 2, 3]
    assert [p["value"] for p in day_series(points, cumulative=True, max_days=2)] == [2, 3]
    assert [p["label"] for p in month_series([("2024-12", 1), ("2025-02", 1)])] == ["2024-12", "2025-01", "2025-02"]


def test_a_topics_trending_list_is_the_trending_rule_over_its_papers(settings: Settings, engine: Engine) -> None:
    """One truth: /api/topics/{id} orders its trending papers exactly as community.trending.rank_papers."""
    from paperwire.community.trending import as_of_for, rank_papers
    from paperwire.storage import reader
    from paperwire.storage.db import read_only
    from paperwire.storage.papers import upsert_papers
    from tests.topic_papers import topic_records

    records = topic_records()
    with engine.begin() as conn:
        upsert_papers(conn, records)
    app = make_app(settings)[0]
    client = client_for(app)
    csrf = login(client, make_user(engine)["email"])
    for record in records[:3] + records[30:32]:
        assert client.post(f"/papers/{record.id}/vote", data={"csrf_token": csrf}).status_code == 303
    search = SearchService.from_settings(settings, engine)
    search.update_index()
    TopicMapService(search, Settings(**{**vars(settings), "map_topics": 3})).build()
    topic_map = app.services.topics.current()
    for topic in topic_map.topics:
        data = client.get(f"/api/topics/{topic.id}").json()
        shown = [item["paper"]["id"] for item in data["trending"]]
        ids = [topic_map.ids[r] for r in topic_map.rows_of(topic.id)]
        with read_only(engine) as conn:
            _, as_of = as_of_for(conn, app.services.clock())
            ranked = rank_papers(conn, settings, reader.papers_in_order(conn, ids), as_of)
        assert shown == [r.paper_id for r in ranked if r.is_active]
    assert sum(len(client.get(f"/api/topics/{t.id}").json()["trending"]) for t in topic_map.topics) == 5
