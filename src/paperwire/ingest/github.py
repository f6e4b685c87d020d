"""A small polite GitHub REST client: one repository's star count, conditional requests, spaced calls.

Polite means: a User-Agent naming the site, at most one request per `settings.github_min_interval_s`,
`If-None-Match` with the last ETag (a 304 does not count against GitHub's rate limit), and it stops
for the run at the first 403/429 (rate limit) instead of hammering.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType

import httpx
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.errors import RateLimited, UpstreamUnavailable
from paperwire.ingest.http import user_agent
from paperwire.storage.db import read_only

RECENT_DAYS = 30


@dataclass(frozen=True)
class RepoStars:
    full_name: str
    status: int  # 200, 304 (unchanged), 404 (gone)
    stars: int | None  # None for 304 (keep the stored count) and 404
    etag: str | None


class GitHubClient:
    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_start: float | None = None
        headers = {"User-Agent": user_agent(settings), "Accept": "application/vnd.github+json"}
        if settings.github_token:
            headers["Authorization"] = f"Bearer {settings.github_token}"
        self._client = httpx.Client(
            base_url=settings.github_api_url.rstrip("/"),
            timeout=settings.http_timeout_s,
            headers=headers,
            transport=transport,
        )

    def stars(self, full_name: str, etag: str | None = None) -> RepoStars:
        """GET /repos/{owner}/{name}: its stargazers_count (conditional on `etag`)."""
        headers = {"If-None-Match": etag} if etag else {}
        try:
            response = self._send(f"/repos/{full_name}", headers)
        except httpx.TransportError as error:
            raise UpstreamUnavailable(f"GitHub did not answer ({type(error).__name__})") from None
        status = response.status_code
        if status in (403, 429):
            retry = response.headers.get("Retry-After") or "3600"
            raise RateLimited("GitHub's rate limit is reached", int(retry) if retry.isdigit() else 3600)
        if status == 304:
            return RepoStars(full_name, 304, None, etag)
        if status in (404, 410, 451):
            return RepoStars(full_name, status, None, None)
        if status != 200:
            raise UpstreamUnavailable(f"GitHub answered HTTP {status} for {full_name}")
        count = response.json().get("stargazers_count")
        return RepoStars(full_name, 200, int(count) if isinstance(count, int) else None, response.headers.get("ETag"))

    def _send(self, path: str, headers: dict[str, str]) -> httpx.Response:
        with self._lock:
            if self._last_start is not None:
                wait = self._last_start + self.settings.github_min_interval_s - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
            self._last_start = time.monotonic()
            return self._client.get(path, headers=headers)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def refresh_stars(engine: Engine, settings: Settings, client: GitHubClient, now: datetime) -> dict[str, int]:
    """Fetch the stars of recent papers' repositories not fetched within settings.github_refresh_hours
    (at most 50 per run without a token, GitHub allowing 60 an hour; 1,000 with one)."""
    from paperwire.storage import github as repo

    with read_only(engine) as conn:
        names = repo.repos_of_recent_papers(conn, (now - timedelta(days=RECENT_DAYS)).date())
        known = repo.cached(conn, names)
    stale = now - timedelta(hours=settings.github_refresh_hours)
    due = [n for n in names if n not in known or _aware(known[n]["fetched_at"]) < stale]
    due = due[: 1000 if settings.github_token else 50]
    counts = {"repos": len(names), "due": len(due), "fetched": 0, "unchanged": 0, "gone": 0}
    for name in due:
        try:
            result = client.stars(name, (known.get(name) or {}).get("etag"))
        except RateLimited:
            counts["rate_limited"] = 1
            break
        with engine.begin() as conn:
            repo.save(conn, name, result.status, result.stars, result.etag, now)
        key = {200: "fetched", 304: "unchanged"}.get(result.status, "gone")
        counts[key] += 1
    return counts


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
