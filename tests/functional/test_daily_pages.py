"""The daily feed, trending and new pages through HTTP: periods, navigation, chips and errors."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from tests.factories import make_record


def titles(html: str) -> list[str]:
    return [h.get_text(strip=True) for h in BeautifulSoup(html, "html.parser").select(".paper-card .paper-title")]


def test_home_shows_the_latest_day_with_papers(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="Old news", announced=date(2025, 1, 3)),
        make_record(title="Fresh result", announced=date(2025, 1, 6)),
    )
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response.text) == ["Fresh result"]
    assert "January 06, 2025" in BeautifulSoup(response.text, "html.parser").select_one(".period-label").text


def test_home_says_when_the_latest_day_is_not_today(client: TestClient, add_papers) -> None:
    add_papers(make_record(title="Fresh result", announced=date(2025, 1, 6)))
    home = BeautifulSoup(client.get("/").text, "html.parser")
    note = home.select_one(".period-note")
    assert note is not None
    assert note.get_text(strip=True).startswith("No papers for today (")
    assert "latest day with papers" in note.text
    asked = BeautifulSoup(client.get("/papers?date=2025-01-06").text, "html.parser")
    assert asked.select_one(".period-note") is None


def test_day_navigation_skips_empty_days(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(announced=date(2025, 1, 3)),
        make_record(announced=date(2025, 1, 7)),
        make_record(announced=date(2025, 1, 10)),
    )
    soup = BeautifulSoup(client.get("/papers?date=2025-01-07").text, "html.parser")
    assert soup.select_one("a.prev-period")["href"] == "/papers?date=2025-01-03"
    assert soup.select_one("a.next-period")["href"] == "/papers?date=2025-01-10"
    last = BeautifulSoup(client.get("/papers?date=2025-01-10").text, "html.parser")
    assert last.select_one("a.next-period") is None


def test_papers_are_ordered_by_upvotes(client: TestClient, add_papers) -> None:
    day = date(2025, 2, 3)
    add_papers(
        make_record(title="Quiet", announced=day, upvotes=1), make_record(title="Loud", announced=day, upvotes=9)
    )
    assert titles(client.get("/papers?date=2025-02-03").text) == ["Loud", "Quiet"]


def test_week_and_month_cover_their_days(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="Monday", announced=date(2025, 1, 6)),
        make_record(title="Friday", announced=date(2025, 1, 10)),
        make_record(title="Next month", announced=date(2025, 2, 3)),
    )
    assert sorted(titles(client.get("/papers?week=2025-W02").text)) == ["Friday", "Monday"]
    assert sorted(titles(client.get("/papers?month=2025-01").text)) == ["Friday", "Monday"]
    soup = BeautifulSoup(client.get("/papers?month=2025-01").text, "html.parser")
    assert soup.select_one("a.next-period")["href"] == "/papers?month=2025-02"


def test_submitted_papers_join_the_day_they_were_submitted(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="Listed", announced=date(2025, 3, 4)),
        make_record(title="Submitted", announced=date(2024, 12, 1), submitted_on=date(2025, 3, 4), upvotes=5),
    )
    # the community's submissions first, then every paper of the day (the submission among them)
    assert titles(client.get("/papers?date=2025-03-04").text) == ["Submitted", "Submitted", "Listed"]


def test_category_chips_filter_the_list(client: TestClient, add_papers) -> None:
    day = date(2025, 1, 8)
    add_papers(
        make_record(title="Vision", categories=("cs.CV",), announced=day),
        make_record(title="Language", categories=("cs.CL", "cs.LG"), announced=day),
    )
    html = client.get("/papers?date=2025-01-08").text
    chips = [a.get_text(" ", strip=True) for a in BeautifulSoup(html, "html.parser").select(".chips a")]
    assert "cs.CV 1" in chips
    assert "cs.CL 1" in chips
    assert titles(client.get("/papers?date=2025-01-08&cat=cs.CV").text) == ["Vision"]


def test_tracked_categories_limit_announcements(settings, add_papers) -> None:
    from dataclasses import replace

    from paperwire.web.app import create_app

    day = date(2025, 1, 9)
    add_papers(
        make_record(title="Tracked", categories=("cs.CL",), announced=day),
        make_record(title="Untracked", categories=("math.AG",), announced=day),
    )
    app = create_app(replace(settings, feed_categories=("cs.CL",)))
    with TestClient(app) as client:
        assert titles(client.get("/papers?date=2025-01-09").text) == ["Tracked"]
    app.services.engine.dispose()


def test_empty_site_says_so(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "No papers" in response.text


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("date=2025-13-01", "date"),
        ("date=yesterday", "date"),
        ("week=2025-W60", "week"),
        ("week=2025-12", "week"),
        ("month=2025-00", "month"),
        ("date=2025-01-01&month=2025-01", "at most one"),
        ("p=0", "p"),
        ("p=abc", "p"),
    ],
)
def test_bad_period_parameters_are_400_with_the_reason(client: TestClient, query: str, reason: str) -> None:
    response = client.get(f"/papers?{query}")
    assert response.status_code == 400
    assert reason in BeautifulSoup(response.text, "html.parser").select_one(".reason").text


def test_trending_lists_the_window_by_score_without_inactive_papers(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="Old hit", announced=date(2024, 11, 1), upvotes=50),
        make_record(title="New hit", announced=date(2025, 1, 9), upvotes=7),
        make_record(title="Yesterday", announced=date(2025, 1, 8), upvotes=7),
        make_record(title="New miss", announced=date(2025, 1, 8), upvotes=0),
    )
    assert titles(client.get("/trending?window=week").text) == ["New hit", "Yesterday"]
    assert titles(client.get("/trending?window=day").text) == ["New hit"]
    assert client.get("/trending?window=year").status_code == 400


def test_new_lists_announcements_by_category(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="A", categories=("cs.CV",), announced=date(2025, 1, 2)),
        make_record(title="B", categories=("cs.CL",), announced=date(2025, 1, 3)),
    )
    assert titles(client.get("/new").text) == ["B", "A"]
    assert titles(client.get("/new?cat=cs.CV").text) == ["A"]
    assert client.get("/new?p=-1").status_code == 400


def test_author_and_category_pages(client: TestClient, add_papers) -> None:
    add_papers(make_record(title="By Grace", authors=("Grace Hopper",), categories=("cs.PL",)))
    author = client.get("/authors/Grace Hopper")
    assert author.status_code == 200
    assert titles(author.text) == ["By Grace"]
    category = client.get("/categories/cs.PL")
    assert category.status_code == 200
    assert titles(category.text) == ["By Grace"]
    assert client.get("/authors/Nobody Here").status_code == 404
    assert client.get("/categories/xx.YY").status_code == 404
