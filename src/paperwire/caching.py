"""A small in-process LRU cache whose entries are only valid for one data version.

Page data (builder output) and rendered anonymous responses are cached per worker; a change to the
papers table or to any counter changes the data version, so stale entries are never served.
`VersionClock` remembers the data version itself for a second, for readers who can wait that long.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class VersionedCache(Generic[T]):
    def __init__(self, max_entries: int = 512) -> None:
        self._entries: OrderedDict[Hashable, tuple[str, T]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: str) -> T | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: Hashable, version: str, value: T) -> None:
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def get_or_build(self, key: Hashable, version: str, build: Callable[[], T]) -> T:
        found = self.get(key, version)
        if found is not None:
            return found
        value = build()
        self.put(key, version, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class VersionClock(Generic[T]):
    """The last value read (the data version), reused for `ttl_s` seconds unless a caller needs it fresh.

    Reading the version is one indexed query plus a transaction (~0.2 ms on SQLite, ~40% of a cached
    page's cost); anonymous readers accept a version up to `ttl_s` old, like any HTTP cache would.
    """

    def __init__(self, ttl_s: float = 1.0) -> None:
        self.ttl_s = ttl_s
        self._value: T | None = None
        self._read_at = 0.0

    def get(self, read: Callable[[], T], *, fresh: bool = False) -> T:
        now = time.monotonic()
        if fresh or self._value is None or now - self._read_at >= self.ttl_s:
            self._value, self._read_at = read(), now
        return self._value

    def invalidate(self) -> None:
        self._value = None
