"""The send rate limit, and the hook points where tests may interrupt the sender."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol


class RateLimiter:
    """At most `per_minute` messages in any minute: consecutive sends are spaced 60/per_minute seconds apart.

    `last` (from the ledger) carries the spacing across restarts.
    """

    def __init__(
        self, per_minute: int, last: datetime | None = None, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.sleep = sleep
        self.next_at = time.monotonic()
        if last is not None and self.interval:
            since = (datetime.now(UTC) - (last.replace(tzinfo=UTC) if last.tzinfo is None else last)).total_seconds()
            self.next_at += max(0.0, self.interval - max(since, 0.0))

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            self.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


class SendHooks(Protocol):
    """Named points of the send loop (before_data, after_data_before_commit, after_claim, after_commit).

    Production passes none; crash tests pass one that kills the process at a chosen point.
    """

    def reach(self, point: str) -> None: ...


class NoHooks:
    def reach(self, point: str) -> None:
        return None
