"""One polite HTTP client for everything arXiv: spaced requests, retries, a clear failure."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from paperwire import __version__
from paperwire.config import Settings
from paperwire.errors import UpstreamUnavailable

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
Params = Mapping[str, str | int | float]


def user_agent(settings: Settings) -> str:
    """'paperwire/0.1.0 (+https://papers.example.org)': who we are and where to reach us."""
    return f"paperwire/{__version__} (+{settings.base_url})"


class ArxivHttpClient:
    """A synchronous httpx client that keeps arXiv's rules.

    * at least `settings.arxiv_min_interval_s` between request starts, one request at a time;
    * `settings.http_retries` retries on 429/5xx and connection errors, with exponential backoff
      (`backoff_base_s` * 2**attempt) or the server's `Retry-After`, both capped at `max_delay_s`;
    * `UpstreamUnavailable` naming the host and the last reason once the retries are spent.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        backoff_base_s: float = 2.0,
        max_delay_s: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.backoff_base_s = backoff_base_s
        self.max_delay_s = max_delay_s
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_start: float | None = None
        self._client = httpx.Client(
            timeout=settings.http_timeout_s,
            headers={"User-Agent": user_agent(settings)},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=True,
            transport=transport,
        )

    def get(self, url: str, params: Params | None = None, *, accept_client_error: bool = False) -> str:
        """GET `url` and return the body as text.

        4xx responses (other than 429) raise UpstreamUnavailable at once, unless `accept_client_error`
        is set: then their body is returned too (the arXiv API explains bad queries in an Atom feed).
        """
        host = urlsplit(url).netloc or url
        attempts = self.settings.http_retries + 1
        reason = "no attempt made"
        for attempt in range(attempts):
            try:
                response = self._send(url, params)
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
                delay = self._backoff(attempt)
            else:
                status = response.status_code
                if status < 400 or (accept_client_error and status < 500 and status != 429):
                    return response.text
                reason = f"HTTP {status} {response.reason_phrase}".strip()
                if status not in RETRY_STATUSES:
                    raise UpstreamUnavailable(f"{host}: {reason} for {response.url}")
                delay = self._retry_after(response) or self._backoff(attempt)
            if attempt + 1 < attempts:
                log.info("arxiv.http.retry", extra={"host": host, "reason": reason, "delay_s": delay})
                self._sleep(delay)
        raise UpstreamUnavailable(f"{host}: unavailable after {attempts} attempts ({reason})")

    def _send(self, url: str, params: Params | None) -> httpx.Response:
        """One request, started no sooner than the minimum interval after the previous one."""
        with self._lock:
            if self._last_start is not None:
                wait = self._last_start + self.settings.arxiv_min_interval_s - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
            self._last_start = time.monotonic()
            return self._client.get(url, params=dict(params) if params else None)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.backoff_base_s * 2**attempt, self.max_delay_s))

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Retry-After in seconds (or an HTTP date), capped at max_delay_s; None when absent or bad."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        seconds: float
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError, IndexError):
                return None
        return max(0.0, min(seconds, self.max_delay_s))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ArxivHttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
