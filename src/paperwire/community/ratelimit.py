"""Fixed-window rate limits kept in the database, so every web process shares them.

`hit` adds one to the counter of (key, current window) with one upsert and raises RateLimited
(with the seconds until the window ends) once the count passes the limit.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime

from sqlalchemy import Connection

from paperwire.errors import RateLimited
from paperwire.storage import ratelimits

CLEANUP_PROBABILITY = 0.01


def hit(conn: Connection, key: str, limit: int, window_s: int, now: datetime) -> None:
    """Count one attempt for `key`; RateLimited when it is over `limit` in this window."""
    if limit <= 0:
        return
    moment = int(now.timestamp())
    window_start = moment - moment % window_s
    if random.random() < CLEANUP_PROBABILITY:  # noqa: S311 - housekeeping, not security
        ratelimits.forget_before(conn, moment - 86400)
    if ratelimits.count_hit(conn, key, window_start) > limit:
        retry_after = window_start + window_s - moment
        raise RateLimited("Too many requests; please try again later.", retry_after_s=max(retry_after, 1))


def email_key(action: str, email: str) -> str:
    """A rate-limit key for an e-mail address without storing the address itself."""
    return f"{action}:email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def clear(conn: Connection, key: str) -> None:
    ratelimits.forget_key(conn, key)
