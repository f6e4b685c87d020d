"""The send ledger: editions and one digest_sends row per (edition, subscriber). Callers own transactions.

Claiming uses SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite ignores the clause and relies on
BEGIN IMMEDIATE (one writer at a time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from paperwire.storage.digest_tables import digest_editions, digest_sends, digest_sent_papers, subscribers
from paperwire.storage.papers import insert_ignore

OPEN = ("pending", "claimed", "sending")  # rows that still need work


@dataclass(frozen=True)
class Edition:
    id: int
    day: date
    status: str
    created_at: datetime
    note: str | None


@dataclass(frozen=True)
class SendRow:
    id: int
    edition_id: int
    subscriber_id: int
    status: str
    items: list[dict[str, str]]
    message_id: str
    attempts: int
    resends: int


def _edition(row: Any) -> Edition:
    m = row._mapping
    return Edition(m["id"], m["day"], m["status"], m["created_at"], m["note"])


def edition_for_day(conn: Connection, day: date) -> Edition | None:
    row = conn.execute(select(digest_editions).where(digest_editions.c.day == day)).first()
    return _edition(row) if row else None


def get_or_create_edition(conn: Connection, day: date, now: datetime) -> Edition:
    conn.execute(insert_ignore(conn, digest_editions).values(day=day, status="composing", created_at=now))
    found = edition_for_day(conn, day)
    assert found is not None
    return found


def open_editions(conn: Connection) -> list[Edition]:
    query = select(digest_editions).where(digest_editions.c.status == "sending").order_by(digest_editions.c.day)
    return [_edition(row) for row in conn.execute(query)]


def recent_editions(conn: Connection, limit: int = 10) -> list[Edition]:
    query = select(digest_editions).order_by(digest_editions.c.day.desc()).limit(limit)
    return [_edition(row) for row in conn.execute(query)]


def edition_ids_between(conn: Connection, since: date, before: date) -> list[int]:
    """Editions of the days in [since, before)."""
    query = select(digest_editions.c.id).where(digest_editions.c.day >= since, digest_editions.c.day < before)
    return [int(r[0]) for r in conn.execute(query)]


def edition_day(conn: Connection, edition_id: int) -> date:
    day: date = conn.execute(select(digest_editions.c.day).where(digest_editions.c.id == edition_id)).scalar_one()
    return day


def set_edition(conn: Connection, edition_id: int, **values: Any) -> None:
    conn.execute(update(digest_editions).where(digest_editions.c.id == edition_id).values(**values))


def last_composed_subscriber(conn: Connection, edition_id: int) -> int:
    query = select(func.coalesce(func.max(digest_sends.c.subscriber_id), 0)).where(
        digest_sends.c.edition_id == edition_id
    )
    return int(conn.execute(query).scalar_one())


def insert_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert_ignore(conn, digest_sends), list(rows))


def sent_papers(conn: Connection, subscriber_ids: Sequence[int], edition_ids: Sequence[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    if not subscriber_ids or not edition_ids:
        return found
    query = select(digest_sent_papers.c.subscriber_id, digest_sent_papers.c.paper_id).where(
        digest_sent_papers.c.subscriber_id.in_(list(subscriber_ids)),
        digest_sent_papers.c.edition_id.in_(list(edition_ids)),
    )
    for row in conn.execute(query):
        found.setdefault(int(row[0]), set()).add(str(row[1]))
    return found


def _send_row(row: Any) -> SendRow:
    m = row._mapping
    return SendRow(
        m["id"],
        m["edition_id"],
        m["subscriber_id"],
        m["status"],
        list(m["items"] or []),
        m["message_id"],
        m["attempts"],
        m["resends"],
    )


def claim(
    conn: Connection, edition_id: int, holder: str, now: datetime, limit: int, only: int | None = None
) -> list[SendRow]:
    due = (
        select(digest_sends.c.id)
        .where(
            digest_sends.c.edition_id == edition_id,
            digest_sends.c.status == "pending",
            digest_sends.c.next_attempt_at <= now,
        )
        .where(digest_sends.c.subscriber_id == only if only is not None else digest_sends.c.id.is_not(None))
        .order_by(digest_sends.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = [int(r[0]) for r in conn.execute(due)]
    if not ids:
        return []
    conn.execute(
        update(digest_sends)
        .where(digest_sends.c.id.in_(ids))
        .values(status="claimed", claimed_by=holder, claimed_at=now)
    )
    rows = conn.execute(select(digest_sends).where(digest_sends.c.id.in_(ids)).order_by(digest_sends.c.id))
    return [_send_row(row) for row in rows]


def set_row(conn: Connection, row_id: int, **values: Any) -> None:
    conn.execute(update(digest_sends).where(digest_sends.c.id == row_id).values(**values))


def mark_sent(conn: Connection, row: SendRow, now: datetime) -> None:
    set_row(conn, row.id, status="sent", sent_at=now, attempts=row.attempts + 1)
    papers = [
        {"subscriber_id": row.subscriber_id, "paper_id": item["id"], "edition_id": row.edition_id} for item in row.items
    ]
    if papers:
        conn.execute(insert_ignore(conn, digest_sent_papers), papers)


def suppress(conn: Connection, subscriber_id: int, reason: str) -> None:
    conn.execute(
        update(subscribers)
        .where(subscribers.c.id == subscriber_id)
        .values(status="bounced", bounce_reason=reason[:500])
    )


def recover(conn: Connection, edition_id: int) -> dict[str, int]:
    """Called by the only sender (it holds the lease): rows a dead sender left behind.

    'claimed' rows were never handed to SMTP: back to pending. 'sending' rows may have been delivered:
    resent once with the same Message-ID; a second ambiguity is final ('ambiguous') and reported.
    """
    base = update(digest_sends).where(digest_sends.c.edition_id == edition_id)
    released = conn.execute(base.where(digest_sends.c.status == "claimed").values(status="pending")).rowcount
    resend = conn.execute(
        base.where(digest_sends.c.status == "sending", digest_sends.c.resends == 0).values(
            status="pending", resends=1, last_error="ambiguous: sender died during DATA; resending once"
        )
    ).rowcount
    final = conn.execute(
        base.where(digest_sends.c.status == "sending").values(
            status="ambiguous", last_error="ambiguous twice: not resent again"
        )
    ).rowcount
    return {"released": released, "resent": resend, "ambiguous": final}


def status_counts(conn: Connection, edition_id: int) -> dict[str, int]:
    query = select(digest_sends.c.status, func.count()).where(digest_sends.c.edition_id == edition_id)
    return {str(r[0]): int(r[1]) for r in conn.execute(query.group_by(digest_sends.c.status))}


def resent_count(conn: Connection, edition_id: int) -> int:
    query = select(func.count()).where(digest_sends.c.edition_id == edition_id, digest_sends.c.resends > 0)
    return int(conn.execute(query).scalar_one())


def next_retry_at(conn: Connection, edition_id: int) -> datetime | None:
    query = select(func.min(digest_sends.c.next_attempt_at)).where(
        digest_sends.c.edition_id == edition_id, digest_sends.c.status == "pending"
    )
    moment: datetime | None = conn.execute(query).scalar_one()
    return moment


def last_activity(conn: Connection) -> datetime | None:
    """The latest moment a message was handed to SMTP (rate limit across restarts)."""
    query = select(func.max(func.coalesce(digest_sends.c.sent_at, digest_sends.c.claimed_at))).where(
        digest_sends.c.status.in_(("sent", "sending", "failed", "bounced")) | (digest_sends.c.attempts > 0)
    )
    moment: datetime | None = conn.execute(query).scalar_one()
    return moment
