"""TopicMapService: build the map from the search index, place new papers, and read the current map.

Input vectors are the embeddings the search index already stores (no embedding here); term counts for
the labels are the index's too. The map is derived: `build` recomputes it, `update` only places papers
that reached the index since (nearest-neighbour placement, nearest centroid for the topic).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from paperwire.config import Settings
from paperwire.errors import InvalidInput, NotFound
from paperwire.search.compressed import as_scipy
from paperwire.search.index import NO_DATE, SearchIndex
from paperwire.search.service import Progress, SearchService
from paperwire.topics import labels as topic_labels
from paperwire.topics import reduce
from paperwire.topics.artifact import NO_MAP, current, load_map, map_dir, save_map
from paperwire.topics.model import Topic, TopicMap

log = logging.getLogger(__name__)
MAX_DAYS = 3650
NEIGHBOURS = 5


@dataclass(frozen=True)
class MapReport:
    papers: int  # papers on the map afterwards
    placed: int  # papers placed without a rebuild (update), or by the sample placement (build)
    topics: int
    days: int
    reducer: str
    seconds: float
    rebuilt: bool
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days: expected 1..{MAX_DAYS}, got {days}")
    return days


class TopicMapService:
    def __init__(self, search: SearchService, settings: Settings) -> None:
        self._search, self._settings = search, settings
        self._root = map_dir(settings.index_dir)
        self._map: TopicMap | None = None
        self._generation: Path | None = None

    # --- reading -------------------------------------------------------------------------------
    def current(self) -> TopicMap:
        """The published map, reloaded when a build or update has published a new generation."""
        generation = current(self._root)
        if generation is None:
            raise NotFound(NO_MAP)
        if self._map is None or generation != self._generation:
            self._map, self._generation = load_map(self._settings.index_dir), generation
        return self._map

    def version(self) -> str:
        """Names the published generation (ETags of the map endpoints); '' without a map."""
        generation = current(self._root)
        return generation.name if generation else ""

    def matching_rows(self, query: str, limit: int = 500) -> list[int]:
        """Map rows of the search matches for `query` (the search service's ranking, best first)."""
        topic_map = self.current()
        ids = self._search.rank_ids(query, limit=limit) if query.strip() else []
        return [topic_map.position[i] for i in ids if i in topic_map.position]

    # --- writing -------------------------------------------------------------------------------
    def build(self, days: int | None = None, *, dry_run: bool = False, progress: Progress | None = None) -> MapReport:
        started = time.perf_counter()
        days = check_days(self._settings.map_days if days is None else days)
        index = self._search.index()
        rows = self._rows(index, days)
        topics = self._settings.map_topics or reduce.auto_topics(rows.size)
        if dry_run:
            return MapReport(int(rows.size), 0, topics, days, self._settings.map_reducer, 0.0, True, True)
        step = progress or (lambda stage, n, total: None)
        vectors = np.ascontiguousarray(np.asarray(index.vectors)[rows], dtype=np.float32)
        step("map", 0, 3)
        layout = reduce.layout(vectors, reducer=self._settings.map_reducer, fit_max=self._settings.map_fit_max)
        step("map", 1, 3)
        assigned, centroids = reduce.cluster(vectors, topics)
        step("map", 1, 3)
        terms = topic_labels.topic_terms(as_scipy(index.tf)[rows], assigned, index.labels, len(centroids))
        topic_map = TopicMap(
            ids=[index.ids[r] for r in rows],
            dates=np.asarray(index.dates)[rows].astype(np.int32),
            xy=layout.xy,
            topic=assigned,
            topics=_topics(layout.xy, assigned, centroids, terms),
            centroids=centroids,
            built=int(rows.size),
            seq=index.seq,
            days=days,
            reducer=self._settings.map_reducer,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            embedder=index.embedder,
        )
        save_map(topic_map, self._settings.index_dir)
        step("map", 1, 3)
        placed = int(rows.size - layout.fitted.size)
        log.info("topics.build", extra={"papers": topic_map.size, "topics": len(centroids), "days": days})
        elapsed = round(time.perf_counter() - started, 3)
        return MapReport(topic_map.size, placed, len(centroids), days, topic_map.reducer, elapsed, True, False)

    def update(self, *, dry_run: bool = False) -> MapReport:
        """Place the papers that reached the index since the build, next to their nearest mapped papers."""
        started = time.perf_counter()
        topic_map, index = self.current(), self._search.index()
        new_rows = np.array(
            [r for r in self._rows(index, topic_map.days) if index.ids[r] not in topic_map.position], dtype=np.intp
        )
        report = MapReport(
            topic_map.size + int(new_rows.size),
            int(new_rows.size),
            len(topic_map.topics),
            topic_map.days,
            topic_map.reducer,
            0.0,
            False,
            dry_run,
        )
        if dry_run or new_rows.size == 0:
            return report
        known = [(m, index.position[i]) for m, i in enumerate(topic_map.ids) if i in index.position]
        mapped, indexed = (np.array(side, dtype=np.intp) for side in zip(*known, strict=True))
        vectors = np.asarray(index.vectors)
        queries = np.ascontiguousarray(vectors[new_rows], dtype=np.float32)
        xy = reduce.place(queries, np.ascontiguousarray(vectors[indexed]), topic_map.xy[mapped])
        updated = TopicMap(
            ids=topic_map.ids + [index.ids[r] for r in new_rows],
            dates=np.concatenate([topic_map.dates, np.asarray(index.dates)[new_rows].astype(np.int32)]),
            xy=np.concatenate([topic_map.xy, xy]),
            topic=np.concatenate([topic_map.topic, reduce.nearest_topic(queries, topic_map.centroids)]),
            topics=topic_map.topics,
            centroids=topic_map.centroids,
            built=topic_map.built,
            seq=index.seq,
            days=topic_map.days,
            reducer=topic_map.reducer,
            built_at=topic_map.built_at,
            embedder=topic_map.embedder,
        )
        save_map(updated, self._settings.index_dir)
        return MapReport(**{**report.as_dict(), "seconds": round(time.perf_counter() - started, 3)})

    def _rows(self, index: SearchIndex, days: int) -> npt.NDArray[np.intp]:
        """Index rows with a vector listed in the last `days` days of the newest date, newest
        map_max_papers at most."""
        dates = np.asarray(index.dates)
        usable = np.asarray(index.has_vector) & (dates != NO_DATE)
        if not usable.any():
            raise NotFound("no paper in the search index has an embedding and a date: run `paperwire index update`")
        since = int(dates[usable].max()) - days + 1
        rows = np.flatnonzero(usable & (dates >= since))
        if rows.size > self._settings.map_max_papers:
            rows = np.sort(rows[np.argsort(-dates[rows], kind="stable")[: self._settings.map_max_papers]])
        return rows


def _topics(
    xy: npt.NDArray[np.float32],
    assigned: npt.NDArray[np.int16],
    centroids: npt.NDArray[np.float32],
    terms: list[list[str]],
) -> list[Topic]:
    similarity = centroids @ centroids.T
    np.fill_diagonal(similarity, -np.inf)
    topics = []
    for topic_id in range(len(centroids)):
        members = xy[assigned == topic_id]
        x, y = (np.median(members, axis=0) if members.size else np.array([0.5, 0.5])).tolist()
        near = [int(t) for t in np.argsort(-similarity[topic_id], kind="stable")[:NEIGHBOURS]]
        topics.append(
            Topic(
                topic_id,
                topic_labels.label_of(terms[topic_id], topic_id),
                terms[topic_id],
                int(members.shape[0]),
                round(float(x), 5),
                round(float(y), 5),
                near[: max(0, len(centroids) - 1)],
            )
        )
    return topics
