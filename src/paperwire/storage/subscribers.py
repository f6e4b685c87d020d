"""Subscriber repository: rows in, Subscriber objects out. Callers own the transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from paperwire.storage.digest_tables import bounce_events_seen, subscribers

ACTIVE = "active"
PENDING = "pending"
UNSUBSCRIBED = "unsubscribed"
BOUNCED = "bounced"
COMPLAINED = "complained"  # marked our mail as spam (a feedback report): suppressed like a hard bounce


@dataclass(frozen=True)
class Subscriber:
    id: int
    email: str
    status: str
    frequency: str
    weekly_day: int
    paused: bool
    sections: dict[str, Any]
    user_id: int | None
    token_key: str
    confirm_sent_at: datetime | None
    confirm_sends: int
    confirm_nonce: str | None = None
    soft_bounces: int = 0
    soft_bounce_since: datetime | None = None
    bounce_reason: str | None = None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _subscriber(row: Any) -> Subscriber:
    m = row._mapping
    return Subscriber(
        id=m["id"],
        email=m["email"],
        status=m["status"],
        frequency=m["frequency"],
        weekly_day=m["weekly_day"],
        paused=bool(m["paused"]),
        sections=dict(m["sections"] or {}),
        user_id=m["user_id"],
        token_key=m["token_key"],
        confirm_sent_at=m["confirm_sent_at"],
        confirm_sends=m["confirm_sends"],
        confirm_nonce=m["confirm_nonce"],
        soft_bounces=m["soft_bounces"] or 0,
        soft_bounce_since=m["soft_bounce_since"],
        bounce_reason=m["bounce_reason"],
    )


def get(conn: Connection, subscriber_id: int) -> Subscriber | None:
    row = conn.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).first()
    return _subscriber(row) if row else None


def get_by_email(conn: Connection, email: str) -> Subscriber | None:
    row = conn.execute(select(subscribers).where(subscribers.c.email == normalize_email(email))).first()
    return _subscriber(row) if row else None


def get_by_user(conn: Connection, user_id: int) -> Subscriber | None:
    row = conn.execute(select(subscribers).where(subscribers.c.user_id == user_id)).first()
    return _subscriber(row) if row else None


def create(
    conn: Connection,
    email: str,
    now: datetime,
    *,
    status: str = PENDING,
    sections: dict[str, Any] | None = None,
    user_id: int | None = None,
) -> Subscriber:
    values = {
        "email": normalize_email(email),
        "status": status,
        "frequency": "daily",
        "weekly_day": 0,
        "paused": False,
        "sections": sections or {},
        "user_id": user_id,
        "token_key": secrets.token_hex(8),
        "created_at": now,
        "confirmed_at": now if status == ACTIVE else None,
        "confirm_sends": 0,
    }
    new_id = conn.execute(subscribers.insert().values(**values).returning(subscribers.c.id)).scalar_one()
    found = get(conn, int(new_id))
    assert found is not None
    return found


def first_sighting(conn: Connection, fingerprint: str, now: datetime) -> bool:
    """Record a bounce event's fingerprint; False when it was recorded before (the report was read already)."""
    seen = conn.execute(select(bounce_events_seen.c.fingerprint).where(bounce_events_seen.c.fingerprint == fingerprint))
    if seen.first() is not None:
        return False
    conn.execute(bounce_events_seen.insert().values(fingerprint=fingerprint, seen_at=now))
    return True


def set_fields(conn: Connection, subscriber_id: int, **values: Any) -> None:
    conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(**values))


def new_confirm_nonce() -> str:
    return secrets.token_hex(8)


def use_confirm_nonce(conn: Connection, subscriber_id: int, nonce: str, **values: Any) -> bool:
    """Set `values` and clear the nonce if it is still `nonce`; False when already used or replaced.
    One conditional UPDATE, so two concurrent uses of one link cannot both succeed."""
    if not nonce:
        return False
    query = (
        update(subscribers)
        .where(subscribers.c.id == subscriber_id, subscribers.c.confirm_nonce == nonce)
        .values(confirm_nonce=None, **values)
    )
    return bool(conn.execute(query).rowcount)


def rotate_token_key(conn: Connection, subscriber_id: int) -> None:
    set_fields(conn, subscriber_id, token_key=secrets.token_hex(8))


def due_filter(day_number: int, daily: bool) -> Any:
    """Active, unpaused subscribers who get an edition on a weekday (0 = Monday)."""
    weekly = and_(subscribers.c.frequency == "weekly", subscribers.c.weekly_day == day_number)
    cadence = or_(subscribers.c.frequency == "daily", weekly) if daily else weekly
    return and_(subscribers.c.status == ACTIVE, subscribers.c.paused.is_(False), cadence)


def page_due(conn: Connection, condition: Any, after_id: int, limit: int) -> list[Subscriber]:
    query = select(subscribers).where(condition, subscribers.c.id > after_id).order_by(subscribers.c.id).limit(limit)
    return [_subscriber(row) for row in conn.execute(query)]


def count_by_status(conn: Connection) -> dict[str, int]:
    query = select(subscribers.c.status, func.count()).group_by(subscribers.c.status)
    return {str(row[0]): int(row[1]) for row in conn.execute(query)}


def emails_of(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    query = select(subscribers.c.id, subscribers.c.email).where(subscribers.c.id.in_(list(ids)))
    return {int(row[0]): str(row[1]) for row in conn.execute(query)}


def get_many(conn: Connection, ids: Sequence[int]) -> dict[int, Subscriber]:
    rows = conn.execute(select(subscribers).where(subscribers.c.id.in_(list(ids))))
    return {int(row.id): _subscriber(row) for row in rows}
