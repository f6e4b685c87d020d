"""What the operator does to accounts from the shell (`paperwire users ...`): list, show, ban, promote, delete.

The shell is trusted (no admin account needed), but the rules are the site's: a ban goes through
`moderation.apply_ban` like the admin page's, and the last administrator cannot be demoted or deleted.
Every writer takes `dry_run` and returns what it did (or would do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from paperwire.community.moderation import apply_ban
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import users as repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User


def account_dict(user: User, activity: dict[str, int] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "verified": user.email_verified,
        "admin": user.is_admin,
        "banned": user.is_banned,
        "created_at": user.created_at.isoformat(timespec="seconds"),
    }
    return data | (activity or {})


def _find(conn: Connection, ref: str) -> User:
    """An account by id (digits) or e-mail address."""
    text = ref.strip()
    user = repo.get_user(conn, int(text)) if text.isdigit() else repo.get_user_by_email(conn, text)
    if user is None:
        raise NotFound(f"no account {text[:80]!r} (give an id or an e-mail address; see `paperwire users list`)")
    return user


def find_account(engine: Engine, ref: str) -> User:
    """The account an operator names (id or e-mail address), or NotFound."""
    with read_only(engine) as conn:
        return _find(conn, ref)


def list_accounts(
    engine: Engine, *, admins: bool = False, banned: bool = False, limit: int = 100
) -> list[dict[str, Any]]:
    if not 1 <= limit <= 10_000:
        raise InvalidInput(f"--limit: expected 1..10000, got {limit}")
    with read_only(engine) as conn:
        accounts = repo.list_users(conn, admins=admins, banned=banned, limit=limit)
        activity = repo.activity_counts(conn, [a.id for a in accounts])
    return [account_dict(a, activity[a.id]) for a in accounts]


def show_account(engine: Engine, ref: str) -> dict[str, Any]:
    with read_only(engine) as conn:
        user = _find(conn, ref)
        return account_dict(user, repo.activity_counts(conn, [user.id])[user.id])


def set_banned(engine: Engine, ref: str, banned: bool, *, dry_run: bool = False) -> dict[str, Any]:
    with engine.begin() as conn:
        user = _find(conn, ref)
        if banned and user.is_admin:
            raise InvalidInput(f"{user.email} is an administrator: demote it first (`paperwire users demote`)")
        changed = user.is_banned != banned
        votes = apply_ban(conn, user.id, banned) if changed and not dry_run else 0
    return {
        "id": user.id,
        "email": user.email,
        "banned": banned,
        "changed": changed,
        "votes": votes,
        "dry_run": dry_run,
    }


def set_admin(engine: Engine, ref: str, admin: bool, *, dry_run: bool = False) -> dict[str, Any]:
    with engine.begin() as conn:
        user = _find(conn, ref)
        if admin and user.is_banned:
            raise InvalidInput(f"{user.email} is banned: unban it first (`paperwire users unban`)")
        if not admin and user.is_admin and repo.count_admins(conn) == 1:
            raise InvalidInput(f"{user.email} is the last administrator: promote another account first")
        changed = user.is_admin != admin
        if changed and not dry_run:
            repo.update_user(conn, user.id, is_admin=admin)
    return {"id": user.id, "email": user.email, "admin": admin, "changed": changed, "dry_run": dry_run}


def delete_account(engine: Engine, ref: str, *, dry_run: bool = False) -> dict[str, Any]:
    """Delete an account with its sessions, tokens and votes (upvotes recounted); its comments stay as
    "[deleted]" so that replies keep their parent (storage.users.delete_user, as the web's delete)."""
    with engine.begin() as conn:
        user = _find(conn, ref)
        if user.is_admin and repo.count_admins(conn) == 1:
            raise InvalidInput(f"{user.email} is the last administrator: promote another account first")
        activity = repo.activity_counts(conn, [user.id])[user.id]
        if not dry_run:
            repo.delete_user(conn, user.id, datetime.now(UTC))
    return {"id": user.id, "email": user.email, "deleted": not dry_run, "dry_run": dry_run} | activity
