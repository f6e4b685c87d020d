"""Small helpers the community services share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from paperwire.errors import NotFound, PermissionDenied
from paperwire.storage import reader
from paperwire.storage.users import User


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def account_age(user: User, now: datetime) -> timedelta:
    return now - aware(user.created_at)


def require_visible_paper(conn: Connection, paper_id: str) -> None:
    """NotFound unless the paper exists and is not hidden (one indexed query)."""
    if not reader.is_visible(conn, paper_id):
        raise NotFound(f"no paper {paper_id!r}")


def require_active(user: User) -> None:
    if user.is_banned:
        raise PermissionDenied("This account is suspended.")


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied("Only administrators may do this.")
