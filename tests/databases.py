"""A throwaway PostgreSQL database, migrated to the newest schema: the suite's per-session database and each
topology test's database are made and dropped the same way."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from paperwire.storage import migrate
from paperwire.storage.db import make_engine


@contextmanager
def migrated_database(admin_url: str, prefix: str) -> Iterator[str]:
    """Create `<prefix>_<random>` through `admin_url` (a database URL on the same server), migrate it, yield
    its URL, and drop it (closing whatever still holds it) on the way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
