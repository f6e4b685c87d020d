"""The topic map page, a topic's page and Rising: data from the map (topics.service) and the database.

Trending order inside a topic is community.trending.rank_papers, the one trending rule; "newest" is
the map's listing date, newest first.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

import numpy as np
from sqlalchemy import Connection

from paperwire.community.trending import as_of_for, rank_papers
from paperwire.errors import NotFound
from paperwire.services import Services
from paperwire.storage import reader
from paperwire.storage.reader import PaperRow
from paperwire.topics.artifact import NO_MAP
from paperwire.topics.model import TopicMap
from paperwire.topics.rising import SPARK_WEEKS, check_window, rising_topics
from paperwire.web.builders._papers import paper_dicts

NEWEST = 20
TRENDING = 10
TRENDING_POOL = 300  # a topic's newest papers that compete for its trending list
DRIVERS = 3
STATIC_POINTS = 4000  # points drawn in the no-script image
POINTS_MAGIC = b"PWM1"


@dataclass(frozen=True)
class MapQuery:
    version: str  # the map generation: a rebuild is a new page even when the database did not change


@dataclass(frozen=True)
class TopicQuery:
    topic_id: int
    version: str


@dataclass(frozen=True)
class RisingQuery:
    days: int
    version: str


def _visible(conn: Connection, ids: list[str]) -> list[PaperRow]:
    found = reader.papers_by_id(conn, ids, visible_only=True)
    return [found[i] for i in ids if i in found]


def build_map(conn: Connection, services: Services, query: MapQuery) -> dict[str, Any]:
    """The map's summary and topics, and a static image for browsers without script; `map` is None
    (and `how` says what to run) when there is no map yet."""
    try:
        topic_map = services.topics.current()
    except NotFound:
        return {"map": None, "how": NO_MAP, "topics": [], "static_svg": ""}
    return {
        "map": {
            "papers": topic_map.size,
            "built": topic_map.built,
            "days": topic_map.days,
            "reducer": topic_map.reducer,
            "built_at": topic_map.built_at,
            "version": query.version,
            "points_url": f"/api/map/points.bin?v={query.version}",
        },
        "topics": [{**t.as_dict(), "url": f"/topics/{t.id}"} for t in topic_map.topics],
        "static_svg": map_svg(topic_map),
    }


def points_bytes(topic_map: TopicMap) -> bytes:
    """'PWM1', uint32 papers, uint32 topics, then uint16 x[n], y[n] (0..65535 over [0, 1]) and topic[n]
    (65535: none), little-endian: 6 bytes a paper, 1.8 MB at 300,000 papers."""
    xy = np.clip(np.rint(topic_map.xy * 65535), 0, 65535).astype("<u2")
    topic = np.where(topic_map.topic < 0, 65535, topic_map.topic).astype("<u2")
    header = POINTS_MAGIC + struct.pack("<II", topic_map.size, len(topic_map.topics))
    return header + xy[:, 0].tobytes() + xy[:, 1].tobytes() + topic.tobytes()


def topic_colour(topic_id: int) -> str:
    """The topic's hue on the map (golden-angle steps), the same in map.js."""
    return f"hsl({(topic_id * 137.508) % 360:.0f} 65% 50%)"


def map_svg(topic_map: TopicMap, width: int = 800, height: int = 600) -> str:
    """Up to STATIC_POINTS points (an even sample) and every topic's label as a link to its page."""
    step = max(1, topic_map.size // STATIC_POINTS)
    scale = min(width, height) * 0.96
    dx, dy = (width - scale) / 2, (height - scale) / 2
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="map-static-title">'
        '<title id="map-static-title">Topic map: each dot is a paper, placed near similar papers; '
        "topic labels link to their papers</title><g>"
    ]
    for row in range(0, topic_map.size, step):
        x, y = topic_map.xy[row]
        colour = topic_colour(int(topic_map.topic[row]))
        parts.append(f'<circle cx="{dx + x * scale:.1f}" cy="{dy + y * scale:.1f}" r="1.6" fill="{colour}"/>')
    parts.append("</g>")
    for topic in topic_map.topics:
        x, y = dx + topic.x * scale, dy + topic.y * scale
        parts.append(
            f'<a href="/topics/{topic.id}"><text class="map-label" x="{x:.1f}" y="{y:.1f}" '
            f'text-anchor="middle">{escape(topic.label)}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def point_detail(conn: Connection, services: Services, row: int) -> dict[str, Any]:
    """One point of the map: what hovering shows and where a click goes."""
    topic_map = services.topics.current()
    if not 0 <= row < topic_map.size:
        raise NotFound(f"no point {row} on the map ({topic_map.size} points)")
    paper_id = topic_map.ids[row]
    found = reader.papers_by_id(conn, [paper_id], visible_only=True)
    if paper_id not in found:
        raise NotFound(f"paper {paper_id} is not shown")
    topic = topic_map.topic_by_id(int(topic_map.topic[row]))
    return {
        "row": row,
        "id": paper_id,
        "title": found[paper_id].title,
        "url": f"/papers/{paper_id}",
        "topic": topic.id if topic else None,
        "topic_label": topic.label if topic else None,
    }


def _newest_ids(topic_map: TopicMap, rows: np.ndarray, limit: int) -> list[str]:
    order = rows[np.argsort(-topic_map.dates[rows], kind="stable")][:limit]
    return [topic_map.ids[r] for r in order]


def build_topic(conn: Connection, services: Services, query: TopicQuery, now: datetime) -> dict[str, Any]:
    topic_map = services.topics.current()
    topic = topic_map.topic_by_id(query.topic_id)
    if topic is None:
        raise NotFound(f"no topic {query.topic_id} on the map (topics 0..{len(topic_map.topics) - 1})")
    rows = topic_map.rows_of(topic.id)
    pool = _visible(conn, _newest_ids(topic_map, rows, TRENDING_POOL))
    _, as_of = as_of_for(conn, now)
    ranked = [r for r in rank_papers(conn, services.settings, pool, as_of) if r.is_active][:TRENDING]
    by_id = {row.id: row for row in pool}
    trending = [
        {**paper, "score": r.score, "trending": r.why}
        for paper, r in zip(
            paper_dicts(conn, services.settings, [by_id[r.paper_id] for r in ranked]), ranked, strict=True
        )
    ]
    return {
        "topic": {**topic.as_dict(), "papers_now": int(rows.size), "url": f"/topics/{topic.id}"},
        "neighbours": [
            {"id": t.id, "label": t.label, "url": f"/topics/{t.id}"}
            for t in (topic_map.topics[n] for n in topic.neighbours)
        ],
        "papers": paper_dicts(conn, services.settings, pool[:NEWEST]),
        "trending": trending,
        "map_days": topic_map.days,
    }


def build_rising(conn: Connection, services: Services, query: RisingQuery, now: datetime) -> dict[str, Any]:
    days = check_window(query.days)
    try:
        topic_map = services.topics.current()
    except NotFound:
        return {"days": days, "map": None, "how": NO_MAP, "topics": [], "weeks": []}
    rising = rising_topics(topic_map, days)
    candidates = {r.topic_id: _newest_ids(topic_map, np.array(r.rows, dtype=np.intp), 100) for r in rising}
    pool = _visible(conn, [i for ids in candidates.values() for i in ids])
    _, as_of = as_of_for(conn, now)
    order = [r.paper_id for r in rank_papers(conn, services.settings, pool, as_of)]  # one ranking for all
    rows_by_id = {row.id: row for row in pool}
    topics = []
    for r in rising:
        mine = set(candidates[r.topic_id])
        drivers = [rows_by_id[i] for i in order if i in mine][:DRIVERS]
        topic = topic_map.topics[r.topic_id]
        topics.append(
            {
                "id": topic.id,
                "label": topic.label,
                "terms": topic.terms,
                "url": f"/topics/{topic.id}",
                "papers": r.papers,
                "previous": r.previous,
                "share": r.share,
                "previous_share": r.previous_share,
                "growth": r.growth,
                "weekly_share": r.weekly_share,
                "drivers": [{"id": p.id, "title": p.title, "url": f"/papers/{p.id}"} for p in drivers],
            }
        )
    known = topic_map.dates[topic_map.dates > 0]
    newest = int(known.max()) if known.size else 0
    weeks = [date.fromordinal(newest - 7 * (SPARK_WEEKS - 1 - w)).isoformat() for w in range(SPARK_WEEKS)]
    return {
        "days": days,
        "map": {"papers": topic_map.size, "built_at": topic_map.built_at},
        "topics": topics,
        "weeks": weeks,
    }
