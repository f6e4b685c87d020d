"""Building the map from a real index (hashing embedder) of three fields; labels; placement."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.errors import InvalidInput, NotFound
from paperwire.search.explain import LATEX, STOCK
from paperwire.search.service import SearchService
from paperwire.search.text import STOP_WORDS
from paperwire.storage.papers import upsert_papers
from paperwire.topics.labels import is_label_word
from paperwire.topics.reduce import auto_topics, place
from paperwire.topics.service import TopicMapService
from tests.topic_papers import FIELDS, topic_records


def _service(settings: Settings, engine: Engine, **changes: object) -> tuple[TopicMapService, SearchService]:
    search = SearchService.from_settings(settings, engine)
    search.update_index()
    return TopicMapService(search, Settings(**{**vars(settings), "map_topics": 3, **changes})), search


def _store(engine: Engine, records: list) -> None:  # type: ignore[type-arg]
    with engine.begin() as conn:
        upsert_papers(conn, records)


def test_build_finds_the_three_fields_and_labels_them_with_their_words(settings: Settings, engine: Engine) -> None:
    records = topic_records()
    _store(engine, records)
    service, _ = _service(settings, engine)
    report = service.build()
    topic_map = service.current()
    assert (report.papers, report.topics, topic_map.size) == (90, 3, 90)
    field_of = {r.id: r.categories[0] for r in records}
    for topic in topic_map.topics:
        members = {field_of[topic_map.ids[row]] for row in topic_map.rows_of(topic.id)}
        assert len(members) == 1  # each topic is one field
        (field,) = members
        assert topic.terms
        assert set(topic.terms[:3]) <= set(FIELDS[field])
        assert topic.label == ", ".join(topic.terms[:3])
        assert topic.neighbours
        assert topic.id not in topic.neighbours
    assert topic_map.xy.shape == (90, 2)
    assert float(topic_map.xy.min()) >= 0
    assert float(topic_map.xy.max()) <= 1


def test_every_label_term_is_a_readable_word(settings: Settings, engine: Engine) -> None:
    _store(engine, topic_records())
    service, _ = _service(settings, engine, map_topics=6)
    service.build()
    terms = [term for topic in service.current().topics for term in topic.terms]
    assert len(terms) >= 6
    for term in terms:
        assert term.isalpha(), term
        assert len(term) >= 3, term
        assert not {term} & (LATEX | STOCK | STOP_WORDS), term


def test_label_rule_refuses_latex_stop_words_numbers_and_fragments() -> None:
    assert [w for w in ["mathbb", "the", "42", "x2", "of", "propose", "robot", "gamma"] if is_label_word(w)] == [
        "robot"
    ]


def test_days_limits_the_map_to_recent_papers(settings: Settings, engine: Engine) -> None:
    records = topic_records()
    _store(engine, records)
    service, _ = _service(settings, engine)
    report = service.build(days=5)
    recent = [r for r in records if r.announced and r.announced >= date(2025, 3, 31) - timedelta(days=4)]
    assert report.papers == len(recent)
    assert 0 < len(recent) < len(records)
    assert set(service.current().ids) == {r.id for r in recent}


def test_dry_run_writes_nothing(settings: Settings, engine: Engine) -> None:
    _store(engine, topic_records())
    service, _ = _service(settings, engine)
    report = service.build(dry_run=True)
    assert report.dry_run
    assert report.papers == 90
    with pytest.raises(NotFound, match="paperwire map build"):
        service.current()


def test_bad_days_are_refused(settings: Settings, engine: Engine) -> None:
    _store(engine, topic_records(per_field=3))
    service, _ = _service(settings, engine)
    with pytest.raises(InvalidInput, match="days"):
        service.build(days=0)


def test_update_places_new_papers_beside_their_field_without_a_rebuild(settings: Settings, engine: Engine) -> None:
    records = topic_records()
    _store(engine, records[:80])
    service, search = _service(settings, engine)
    service.build()
    before = service.current()
    _store(engine, records[80:])  # ten more robotics papers
    search.update_index()
    assert service.update(dry_run=True).placed == 10
    report = service.update()
    after = service.current()
    assert (report.placed, report.rebuilt, after.size, after.built) == (10, False, 90, 80)
    np.testing.assert_array_equal(after.xy[:80], before.xy)
    robot_topic = int(np.bincount(after.topic[70:80]).argmax())
    assert set(after.topic[80:].tolist()) == {robot_topic}
    robots = after.xy[70:80].mean(axis=0)
    others = after.xy[:60].mean(axis=0)
    for point in after.xy[80:]:
        assert np.linalg.norm(point - robots) < np.linalg.norm(point - others)
    assert service.update().placed == 0


def test_place_is_the_weighted_mean_of_the_nearest_neighbours() -> None:
    reference = np.eye(3, dtype=np.float32)
    reference_xy = np.array([[0, 0], [1, 0], [0, 1]], dtype=np.float32)
    placed = place(np.array([[1, 0, 0]], dtype=np.float32), reference, reference_xy, k=1)
    np.testing.assert_allclose(placed, [[0, 0]])


def test_auto_topics_grows_with_the_map() -> None:
    assert (auto_topics(10), auto_topics(75_000), auto_topics(300_000)) == (2, 61, 120)
