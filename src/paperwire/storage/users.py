"""Accounts repository: users, login sessions, API tokens and single-use e-mailed link tokens.

Every secret is looked up by its SHA-256 hash; the raw value exists only in the cookie, header or link.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, column, delete, func, insert, select, update
from sqlalchemy import table as sa_table

from paperwire.domain.names import name_key
from paperwire.storage import votes as votes_repo
from paperwire.storage.community_tables import (
    account_tokens,
    api_tokens,
    comments,
    submissions,
    user_sessions,
    users,
    votes,
)
from paperwire.storage.db import next_seq


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    id: int
    email: str
    display_name: str
    bio: str
    email_verified: bool
    is_admin: bool
    is_banned: bool
    created_at: datetime
    password_hash: str = ""


def _user(row: Any) -> User | None:
    return User(**{k: row[k] for k in User.__dataclass_fields__}) if row else None


def get_user(conn: Connection, user_id: int) -> User | None:
    return _user(conn.execute(select(users).where(users.c.id == user_id)).mappings().first())


def get_user_by_email(conn: Connection, email: str) -> User | None:
    return _user(conn.execute(select(users).where(users.c.email == email.lower())).mappings().first())


def insert_user(conn: Connection, **values: Any) -> int:
    values["email"] = values["email"].lower()
    values["display_name_key"] = name_key(values["display_name"])
    return int(conn.execute(insert(users).values(**values).returning(users.c.id)).scalar_one())


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    if "display_name" in values:
        values["display_name_key"] = name_key(values["display_name"])
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def refill_name_keys(conn: Connection) -> int:
    """Recompute every account's `display_name_key` with the current `name_key` (a migration calls this
    when the rule changes). Oldest account first keeps the plain key; a later one whose name now collides
    keeps its name and gets its id in the key. Keys are cleared to placeholders first, so a new key never
    meets an old one in the unique constraint. Written against the three columns only, so it works at
    every revision that has them. Returns the number of accounts."""
    table = sa_table("users", column("id"), column("display_name"), column("display_name_key"))
    rows = conn.execute(select(table.c.id, table.c.display_name).order_by(table.c.id)).all()
    for user_id, _ in rows:
        conn.execute(update(table).where(table.c.id == user_id).values(display_name_key=f"#{user_id}"))
    seen: set[str] = set()
    for user_id, display_name in rows:
        key = name_key(display_name) or f"user {user_id}"
        if key in seen:
            key = f"{key} #{user_id}"
        seen.add(key)
        conn.execute(update(table).where(table.c.id == user_id).values(display_name_key=key))
    return len(rows)


def is_name_taken(conn: Connection, display_name: str, except_user: int | None = None) -> bool:
    """True when another account's name is the same after domain.names.name_key."""
    query = select(users.c.id).where(users.c.display_name_key == name_key(display_name))
    if except_user is not None:
        query = query.where(users.c.id != except_user)
    return conn.execute(query.limit(1)).first() is not None


def delete_user(conn: Connection, user_id: int, now: datetime) -> None:
    """Delete the account. Its comments stay as "[deleted]" (user_id set NULL, so replies keep their
    parent); its votes go and papers.upvotes is recounted for the papers it had voted on."""
    next_seq(conn, "comments")
    conn.execute(
        update(comments)
        .where(comments.c.user_id == user_id, comments.c.deleted_at.is_(None))
        .values(deleted_at=now, body_md="", body_html="")
    )
    conn.execute(update(comments).where(comments.c.user_id == user_id).values(user_id=None))
    votes_repo.remove_votes_of(conn, user_id)
    conn.execute(delete(users).where(users.c.id == user_id))


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def count_admins(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users).where(users.c.is_admin.is_(True))).scalar_one())


def list_users(conn: Connection, *, admins: bool = False, banned: bool = False, limit: int = 100) -> list[User]:
    """Accounts, newest first; `admins`/`banned` keep only those."""
    query = select(users).order_by(users.c.id.desc()).limit(limit)
    if admins:
        query = query.where(users.c.is_admin.is_(True))
    if banned:
        query = query.where(users.c.is_banned.is_(True))
    return [user for row in conn.execute(query).mappings() if (user := _user(row)) is not None]


def activity_counts(conn: Connection, user_ids: list[int]) -> dict[int, dict[str, int]]:
    """{user_id: {"votes": n, "comments": n, "submissions": n}} for these accounts."""
    found: dict[int, dict[str, int]] = {uid: {"votes": 0, "comments": 0, "submissions": 0} for uid in user_ids}
    for name, table in (("votes", votes), ("comments", comments), ("submissions", submissions)):
        query = select(table.c.user_id, func.count()).where(table.c.user_id.in_(user_ids)).group_by(table.c.user_id)
        for user_id, count in conn.execute(query):
            found[user_id][name] = int(count)
    return found


# sessions


def insert_session(conn: Connection, raw_id: str, user_id: int, now: datetime, expires_at: datetime) -> None:
    conn.execute(
        insert(user_sessions).values(
            id_hash=hash_secret(raw_id), user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


def session_user(conn: Connection, raw_id: str, now: datetime) -> tuple[User, datetime, datetime] | None:
    """(the user, when the session began, when it expires) for a live session."""
    query = (
        select(users, user_sessions.c.created_at.label("session_created"), user_sessions.c.expires_at)
        .join(user_sessions, user_sessions.c.user_id == users.c.id)
        .where(user_sessions.c.id_hash == hash_secret(raw_id), user_sessions.c.expires_at > now)
    )
    row = conn.execute(query).mappings().first()
    user = _user(row)
    if row is None or user is None:
        return None
    return user, _aware(row["session_created"]), _aware(row["expires_at"])


def extend_session(conn: Connection, raw_id: str, expires_at: datetime) -> None:
    conn.execute(
        update(user_sessions).where(user_sessions.c.id_hash == hash_secret(raw_id)).values(expires_at=expires_at)
    )


def delete_session(conn: Connection, raw_id: str) -> None:
    conn.execute(delete(user_sessions).where(user_sessions.c.id_hash == hash_secret(raw_id)))


def delete_sessions_of(conn: Connection, user_id: int) -> int:
    return conn.execute(delete(user_sessions).where(user_sessions.c.user_id == user_id)).rowcount


# API tokens


def insert_api_token(conn: Connection, user_id: int, name: str, raw: str, now: datetime) -> int:
    statement = insert(api_tokens).values(user_id=user_id, name=name, token_hash=hash_secret(raw), created_at=now)
    return int(conn.execute(statement.returning(api_tokens.c.id)).scalar_one())


def api_token_user(conn: Connection, raw: str) -> User | None:
    query = select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
    return _user(conn.execute(query.where(api_tokens.c.token_hash == hash_secret(raw))).mappings().first())


def delete_api_tokens_of(conn: Connection, user_id: int) -> int:
    return conn.execute(delete(api_tokens).where(api_tokens.c.user_id == user_id)).rowcount


def list_api_tokens(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    query = select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at).where(api_tokens.c.user_id == user_id)
    return [dict(row) for row in conn.execute(query.order_by(api_tokens.c.id)).mappings()]


def delete_api_token(conn: Connection, user_id: int, token_id: int) -> int:
    statement = delete(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
    return conn.execute(statement).rowcount


# single-use link tokens


def insert_link_token(
    conn: Connection, raw: str, user_id: int, purpose: str, data: str, now: datetime, expires_at: datetime
) -> None:
    conn.execute(
        insert(account_tokens).values(
            token_hash=hash_secret(raw),
            user_id=user_id,
            purpose=purpose,
            data=data,
            created_at=now,
            expires_at=expires_at,
        )
    )


def take_link_token(conn: Connection, raw: str, purpose: str, now: datetime) -> tuple[int, str] | None:
    """Delete the token; (user_id, data) if it existed for this purpose and was unexpired: single use."""
    statement = (
        delete(account_tokens)
        .where(account_tokens.c.token_hash == hash_secret(raw), account_tokens.c.purpose == purpose)
        .returning(account_tokens.c.user_id, account_tokens.c.data, account_tokens.c.expires_at)
    )
    row = conn.execute(statement).first()
    if row is None or _aware(row.expires_at) <= now:
        return None
    return int(row.user_id), str(row.data)


def delete_link_tokens(conn: Connection, user_id: int, purpose: str) -> None:
    conn.execute(delete(account_tokens).where(account_tokens.c.user_id == user_id, account_tokens.c.purpose == purpose))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
