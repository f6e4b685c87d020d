"""The newest papers of many authors or categories in one statement: the same answer as asking
reader.author_papers / reader.newest_papers once per author or category."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, insert

from paperwire.storage import newest, reader
from paperwire.storage.community_tables import hidden_papers
from paperwire.storage.papers import upsert_papers
from tests.factories import make_record


def _store(engine: Engine) -> None:
    records = [
        make_record(id="2501.00001", authors=("Jun Suzuki",), categories=("cs.LG",), announced=date(2025, 1, 3)),
        make_record(id="2501.00002", authors=("J. Suzuki",), categories=("cs.LG",), announced=date(2025, 1, 5)),
        make_record(id="2501.00003", authors=("Jun Suzuki", "J. Suzuki"), categories=("cs.CL",)),
        make_record(id="2501.00004", authors=("Jiro Suzuki",), categories=("cs.CL", "cs.LG")),
        make_record(id="2501.00005", authors=("Jun Suzuki",), categories=("cs.LG",), announced=date(2025, 1, 9)),
        make_record(id="2501.00006", authors=("Ada Lovelace",), categories=("cs.AI",), announced=None),
    ]
    with engine.begin() as conn:
        upsert_papers(conn, records)
        conn.execute(insert(hidden_papers).values(paper_id="2501.00005", hidden_at=datetime.now(UTC)))


def test_newest_of_authors_answers_as_author_papers_does_for_each_person(engine: Engine) -> None:
    _store(engine)
    with engine.connect() as conn:
        people = reader.find_authors_of(conn, ["Jun Suzuki", "Jiro Suzuki", "Ada Lovelace", "Nobody Here"])
        groups = [[a["id"] for a in spellings] for spellings in people.values()]
        assert [len(g) for g in groups] == [2, 2, 1, 0]  # "J. Suzuki" is a spelling of both Jun and Jiro
        for limit in (1, 2, 10):
            one_by_one = [[r.id for r in reader.author_papers(conn, g, limit, 0)[1]] if g else [] for g in groups]
            assert newest.newest_of_authors(conn, groups, limit) == one_by_one
        assert newest.newest_of_authors(conn, groups, 10)[0] == [
            "2501.00002",
            "2501.00003",
            "2501.00001",
        ]  # 00005 is hidden
        assert newest.newest_of_authors(conn, [], 3) == []


def test_newest_in_categories_answers_as_newest_papers_does_for_each_category(engine: Engine) -> None:
    _store(engine)
    with engine.connect() as conn:
        for limit in (1, 2, 10):
            found = newest.newest_in_categories(conn, ["cs.LG", "cs.CL", "cs.AI", "cs.XX"], limit)
            assert found == {c: [r.id for r in reader.newest_papers(conn, c, limit, 0)] for c in found}
        assert found["cs.LG"] == ["2501.00002", "2501.00004", "2501.00001"]  # the hidden one left out
        assert found["cs.AI"] == []  # never announced
        assert newest.newest_in_categories(conn, [], 3) == {}


def test_find_authors_of_many_names_is_find_authors_of_each(engine: Engine) -> None:
    _store(engine)
    names = ["jun suzuki", "J. Suzuki", "Ada Lovelace", "Grace Hopper"]
    with engine.connect() as conn:
        assert reader.find_authors_of(conn, names) == {name: reader.find_authors(conn, name) for name in names}
        assert reader.find_authors(conn, "J. Suzuki")[0]["name"] == "J. Suzuki"
