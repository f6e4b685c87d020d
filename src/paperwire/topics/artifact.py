"""The map on disk, beside the search index: PAPERWIRE_INDEX_DIR/map/, a generation directory of .npy
and .json files published by atomically replacing the CURRENT pointer (as search/artifact.py does for
the index). Deleting the folder loses nothing: `paperwire map build` makes it again from the index."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from paperwire.errors import NotFound, PaperwireError
from paperwire.topics.model import Topic, TopicMap

FORMAT = 1
POINTER = "CURRENT"
ARRAYS = ("dates", "xy", "topic", "centroids")
NO_MAP = "no topic map yet: run `paperwire map build` (after `paperwire index update`)"


class CorruptMap(PaperwireError):
    """The map on disk cannot be read; run `paperwire map build`."""


def map_dir(index_dir: str | Path) -> Path:
    return Path(index_dir) / "map"


def save_map(topic_map: TopicMap, index_dir: str | Path) -> Path:
    root = map_dir(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
    for name in ARRAYS:
        np.save(staging / f"{name}.npy", np.ascontiguousarray(getattr(topic_map, name)))
    (staging / "ids.json").write_text(json.dumps(topic_map.ids), encoding="utf-8")
    (staging / "topics.json").write_text(json.dumps([t.as_dict() for t in topic_map.topics]), encoding="utf-8")
    manifest = {k: getattr(topic_map, k) for k in ("built", "seq", "days", "reducer", "built_at", "embedder")}
    (staging / "manifest.json").write_text(json.dumps({"format": FORMAT, **manifest}), encoding="utf-8")
    generation = root / f"gen-{uuid.uuid4().hex[:12]}"
    os.replace(staging, generation)
    previous = current(root)
    fd, temp = tempfile.mkstemp(dir=root, prefix=".pointer-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, root / POINTER)
    for path in root.iterdir():
        if path.is_dir() and path.name not in {generation.name, previous.name if previous else ""}:
            shutil.rmtree(path, ignore_errors=True)
    return generation


def current(root: Path) -> Path | None:
    pointer = root / POINTER
    return root / pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None


def load_map(index_dir: str | Path) -> TopicMap:
    generation = current(map_dir(index_dir))
    if generation is None:
        raise NotFound(NO_MAP)
    try:
        manifest: dict[str, Any] = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise CorruptMap(f"{generation}: map format {manifest.get('format')}; run `paperwire map build`")
        arrays = {name: np.load(generation / f"{name}.npy") for name in ARRAYS}
        ids = json.loads((generation / "ids.json").read_text(encoding="utf-8"))
        topics = [Topic(**t) for t in json.loads((generation / "topics.json").read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError) as error:
        raise CorruptMap(f"{generation}: unreadable map ({error}); run `paperwire map build`") from None
    manifest.pop("format")
    return TopicMap(ids=ids, topics=topics, **arrays, **manifest)
