"""The paper repository: idempotent upserts, version history, merges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Engine, func, select

from paperwire.domain.papers import VersionRecord
from paperwire.storage.papers import get_paper_row, get_versions, split_authors, upsert_papers
from paperwire.storage.tables import authors, paper_authors, paper_categories, papers
from tests.factories import make_record


def count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_upserting_the_same_records_twice_changes_nothing(engine: Engine) -> None:
    records = [make_record(), make_record()]
    with engine.begin() as conn:
        first = upsert_papers(conn, records)
    with engine.begin() as conn:
        second = upsert_papers(conn, records)
    assert (first.inserted, first.updated) == (2, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert count(engine, papers) == 2
    assert count(engine, paper_authors) == 4
    assert count(engine, authors) == 2  # shared authors are stored once


def test_newer_version_updates_paper_and_appends_history(engine: Engine) -> None:
    v1 = make_record(version=1, versions=(VersionRecord(version=1, date=date(2025, 1, 2)),))
    v2 = make_record(
        id=v1.id,
        version=2,
        title="A better title",
        authors=("Grace Hopper",),
        versions=(
            VersionRecord(version=1, date=date(2025, 1, 2)),
            VersionRecord(version=2, date=date(2025, 2, 1)),
        ),
    )
    with engine.begin() as conn:
        upsert_papers(conn, [v1])
        counts = upsert_papers(conn, [v2])
        row = get_paper_row(conn, v1.id)
        history = get_versions(conn, v1.id)
    assert counts.updated == 1
    assert row is not None
    assert row["title"] == "A better title"
    assert row["version"] == 2
    assert row["updated"] == date(2025, 2, 1)
    assert split_authors(row["authors_text"]) == ["Grace Hopper"]
    assert history == [(1, date(2025, 1, 2)), (2, date(2025, 2, 1))]
    assert count(engine, paper_authors) == 1


def test_older_version_is_ignored(engine: Engine) -> None:
    v2 = make_record(version=2, title="Second version")
    v1 = make_record(id=v2.id, version=1, title="First version")
    with engine.begin() as conn:
        upsert_papers(conn, [v2])
        counts = upsert_papers(conn, [v1])
        row = get_paper_row(conn, v2.id)
    assert counts.older == 1
    assert row is not None
    assert row["title"] == "Second version"


def test_a_source_that_omits_fields_keeps_the_stored_values(engine: Engine) -> None:
    full = make_record(comment="10 pages", doi="10.1/abc", announced=date(2025, 1, 3))
    sparse = replace(full, comment=None, doi=None, announced=None, version=None)
    with engine.begin() as conn:
        upsert_papers(conn, [full])
        counts = upsert_papers(conn, [sparse])
        row = get_paper_row(conn, full.id)
    assert counts.unchanged == 1
    assert row is not None
    assert (row["comment"], row["doi"], row["announced"]) == ("10 pages", "10.1/abc", date(2025, 1, 3))


def test_primary_category_and_code_links_are_derived(engine: Engine) -> None:
    record = make_record(categories=("cs.CL", "cs.LG"), comment="see https://gitlab.com/team/tool.git")
    with engine.begin() as conn:
        upsert_papers(conn, [record])
        row = get_paper_row(conn, record.id)
        cats = (
            conn.execute(select(paper_categories.c.category_id).order_by(paper_categories.c.position)).scalars().all()
        )
    assert row is not None
    assert row["primary_category"] == "cs.CL"
    assert cats == ["cs.CL", "cs.LG"]
    assert "https://gitlab.com/team/tool" in row["code_links"]


def test_changes_get_increasing_sequence_numbers(engine: Engine) -> None:
    first, second = make_record(), make_record()
    with engine.begin() as conn:
        upsert_papers(conn, [first])
        upsert_papers(conn, [second])
        seqs = {i: s for i, s in conn.execute(select(papers.c.id, papers.c.seq))}
    assert seqs[second.id] > seqs[first.id]


def test_counters_are_created_by_the_first_reservation_and_then_advance(engine: Engine) -> None:
    from paperwire.storage.db import next_seq

    with engine.begin() as conn:
        first = next_seq(conn, "fresh-counter", 5)
        second = next_seq(conn, "fresh-counter", 1)
    assert (first, second) == (1, 6)
