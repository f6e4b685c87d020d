"""Leases: one holder per name (the worker, the digest sender). A dead holder on this host is taken over."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update

from paperwire.storage.job_tables import leases
from paperwire.storage.papers import insert_ignore


def make_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_dead(holder: str) -> bool:
    """True when the holder was a process on this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(conn: Connection, name: str, holder: str, now: datetime, ttl_s: float) -> bool:
    expires = now + timedelta(seconds=ttl_s)
    inserted = insert_ignore(conn, leases).values(name=name, holder=holder, expires_at=expires)
    if conn.execute(inserted.returning(leases.c.name)).first() is not None:  # rowcount is -1 on psycopg
        return True
    current = conn.execute(select(leases.c.holder, leases.c.expires_at).where(leases.c.name == name)).first()
    if current is None:
        return False
    expired = _aware(current.expires_at) <= now
    if current.holder != holder and not expired and not is_dead(current.holder):
        return False
    taken = conn.execute(
        update(leases)
        .where(leases.c.name == name, leases.c.holder == current.holder)
        .values(holder=holder, expires_at=expires)
    )
    return bool(taken.rowcount)


def release(conn: Connection, name: str, holder: str) -> None:
    conn.execute(delete(leases).where(leases.c.name == name, leases.c.holder == holder))


def holder_of(conn: Connection, name: str) -> str | None:
    return conn.execute(select(leases.c.holder).where(leases.c.name == name)).scalar()


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
