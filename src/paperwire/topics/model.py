"""What a built topic map holds: one row per paper (id, date, x, y, topic) and the topics themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

NO_TOPIC = -1


@dataclass(frozen=True)
class Topic:
    id: int
    label: str  # the first terms, joined: what the map and the lists show
    terms: list[str]  # most distinctive readable words first (labels.py)
    size: int  # papers in the topic when the map was built
    x: float  # the label's place on the map: the median of the topic's points
    y: float
    neighbours: list[int] = field(default_factory=list)  # nearest topics by centroid, nearest first

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "terms": self.terms,
            "size": self.size,
            "x": self.x,
            "y": self.y,
            "neighbours": self.neighbours,
        }


@dataclass
class TopicMap:
    """Rows 0..built-1 come from the last full build; rows after that were placed by `map update`."""

    ids: list[str]
    dates: npt.NDArray[np.int32]  # proleptic ordinals (0: unknown), as in the search index
    xy: npt.NDArray[np.float32]  # (n, 2), scaled into [0, 1] at build time (placed points may leave it slightly)
    topic: npt.NDArray[np.int16]
    topics: list[Topic]
    centroids: npt.NDArray[np.float32]  # (topics, dim), unit length: where new papers are assigned
    built: int  # papers placed by the full build
    seq: int  # the search index seq the map has seen
    days: int
    reducer: str
    built_at: str
    embedder: str = ""

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def position(self) -> dict[str, int]:
        return {paper_id: row for row, paper_id in enumerate(self.ids)}

    def topic_by_id(self, topic_id: int) -> Topic | None:
        return self.topics[topic_id] if 0 <= topic_id < len(self.topics) else None

    def rows_of(self, topic_id: int) -> npt.NDArray[np.intp]:
        rows: npt.NDArray[np.intp] = np.flatnonzero(self.topic == topic_id)
        return rows
