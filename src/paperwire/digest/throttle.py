"""The send rate limit and the test-only crash points."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime

from paperwire.config import Settings


class RateLimiter:
    """At most `per_minute` messages in any minute: consecutive sends are spaced 60/per_minute seconds apart.

    `last` (from the ledger) carries the spacing across restarts.
    """

    def __init__(self, per_minute: int, last: datetime | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
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


class CrashPoints:
    """PAPERWIRE_DIGEST_CRASH_POINT=name[:n] SIGKILLs this process the n-th time it reaches `name` (tests)."""

    def __init__(self, spec: str) -> None:
        name, _, count = spec.partition(":")
        self.name, self.remaining = name, int(count or 1)

    def reach(self, point: str) -> None:
        if self.name != point:
            return
        self.remaining -= 1
        if self.remaining <= 0:
            os.kill(os.getpid(), signal.SIGKILL)


def crash_points(settings: Settings) -> CrashPoints:
    return CrashPoints(settings.digest_crash_point)
