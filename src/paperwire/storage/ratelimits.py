"""Fixed-window counters in the database (rate_limits), shared by every process."""

from __future__ import annotations

from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from paperwire.storage.community_tables import rate_limits

KEY_CHARS = 200


def count_hit(conn: Connection, key: str, window_start: int) -> int:
    """Add one to (key, window) with one upsert; returns the count in that window."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(rate_limits).values(key=key[:KEY_CHARS], window_start=window_start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[rate_limits.c.key, rate_limits.c.window_start],
        set_={"count": rate_limits.c.count + 1},
    ).returning(rate_limits.c.count)
    return int(conn.execute(statement).scalar_one())


def forget_before(conn: Connection, window_start: int) -> None:
    conn.execute(delete(rate_limits).where(rate_limits.c.window_start < window_start))


def forget_key(conn: Connection, key: str) -> None:
    """Clear every window of one key (a successful login clears its address's failures)."""
    conn.execute(delete(rate_limits).where(rate_limits.c.key == key[:KEY_CHARS]))
