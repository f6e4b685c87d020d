"""storage.spacing: request slots that six processes asking at once share without overlap (issue 16, item 6)."""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from paperwire.storage.db import make_engine
from paperwire.storage.spacing import DatabaseSpacing, shared_spacing


def test_six_processes_asking_at_once_get_slots_an_interval_apart(engine: Engine, database_url: str) -> None:
    engines = [make_engine(database_url) for _ in range(6)]  # one pool each, as six processes would have
    try:

        def reserve(own: Engine) -> float:
            return time.time() + DatabaseSpacing(own).reserve("arxiv", 0.5)

        with ThreadPoolExecutor(6) as pool:
            slots = sorted(pool.map(reserve, engines))
    finally:
        for own in engines:
            own.dispose()
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert all(gap >= 0.5 - 0.01 for gap in gaps), gaps  # two clock reads: a few µs apart


def test_shared_spacing_is_used_on_postgresql_only(engine: Engine) -> None:
    spacing = shared_spacing(engine)
    assert (spacing is not None) == (engine.dialect.name == "postgresql")
