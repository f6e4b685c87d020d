"""Request slots shared by every process on one PostgreSQL database (the arXiv client's spacing).

`reserve` takes the next free start time for a key under a row lock held only for one short
transaction (SELECT ... FOR UPDATE, then UPDATE), so six processes that ask at once get six slots
`interval_s` apart; each then sleeps until its slot. Nothing is held while anyone sleeps.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, select, update

from paperwire.storage.job_tables import request_slots
from paperwire.storage.papers import insert_ignore


class DatabaseSpacing:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def reserve(self, key: str, interval_s: float) -> float:
        """Seconds to wait before starting a request under `key` (0 when the slot is now)."""
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(insert_ignore(conn, request_slots).values(key=key, next_at=0.0))
            query = select(request_slots.c.next_at).where(request_slots.c.key == key).with_for_update()
            slot = max(now, float(conn.execute(query).scalar_one()))
            conn.execute(update(request_slots).where(request_slots.c.key == key).values(next_at=slot + interval_s))
        return slot - now


def shared_spacing(engine: Engine) -> DatabaseSpacing | None:
    """The cross-process spacing on PostgreSQL; None on SQLite (one host, the process-wide lock suffices)."""
    return DatabaseSpacing(engine) if engine.dialect.name == "postgresql" else None
