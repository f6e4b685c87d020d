"""One polite HTTP client for everything arXiv: spaced requests, retries, a clear failure.

Hardened against a broken or hostile upstream: redirects are followed only on the same host, a body
larger than PAPERWIRE_HTTP_MAX_BODY_BYTES is cut off (streamed, never held whole), and no request takes
longer than PAPERWIRE_HTTP_DEADLINE_S however slowly its body drips. The spacing between request starts
is one per process (every client instance shares it) and, given a `Spacing` such as
storage.spacing.DatabaseSpacing, one across processes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from paperwire import __version__
from paperwire.config import Settings
from paperwire.errors import UpstreamUnavailable

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
SPACING_KEY = "arxiv"  # every arXiv host counts as one: their terms ask for one request at a time
Params = Mapping[str, str | int | float]
Query = dict[str, str | int | float]


class Spacing(Protocol):
    """A shared schedule of request starts: `reserve` returns the seconds to wait for the next slot."""

    def reserve(self, key: str, interval_s: float) -> float: ...


class _ProcessSpacing:
    """The process-wide schedule: one lock and one last start for every ArxivHttpClient of the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_start: float | None = None


PROCESS_SPACING = _ProcessSpacing()


class _TooLarge(Exception):
    pass


class _Refused(Exception):
    pass


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
        spacing: Spacing | None = None,
    ) -> None:
        self.settings = settings
        self.backoff_base_s = backoff_base_s
        self.max_delay_s = max_delay_s
        self._sleep = sleep
        self._spacing = spacing
        self._client = httpx.Client(
            timeout=settings.http_timeout_s,
            headers={"User-Agent": user_agent(settings)},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=False,  # _follow: same host only
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
                status, phrase, final_url, body, retry_after = self._send(url, params)
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
                delay = self._backoff(attempt)
            except _Refused as exc:
                raise UpstreamUnavailable(f"{host}: {exc}") from None
            else:
                if status < 400 or (accept_client_error and status < 500 and status != 429):
                    return body
                reason = f"HTTP {status} {phrase}".strip()
                if status not in RETRY_STATUSES:
                    raise UpstreamUnavailable(f"{host}: {reason} for {final_url}")
                delay = retry_after or self._backoff(attempt)
            if attempt + 1 < attempts:
                log.info("arxiv.http.retry", extra={"host": host, "reason": reason, "delay_s": delay})
                self._sleep(delay)
        raise UpstreamUnavailable(f"{host}: unavailable after {attempts} attempts ({reason})")

    def _send(self, url: str, params: Params | None) -> tuple[int, str, str, str, float | None]:
        """One request (redirects on the same host included), started no sooner than the minimum
        interval after the previous request of any client in this process (and, with a shared
        Spacing, of any process); (status, reason, final URL, body text, Retry-After seconds)."""
        interval = self.settings.arxiv_min_interval_s
        with PROCESS_SPACING.lock:
            wait = 0.0
            if PROCESS_SPACING.last_start is not None:
                wait = PROCESS_SPACING.last_start + interval - time.monotonic()
            if self._spacing is not None and interval > 0:
                wait = max(wait, self._spacing.reserve(SPACING_KEY, interval))
            if wait > 0:
                self._sleep(wait)
            PROCESS_SPACING.last_start = time.monotonic()
            return self._follow(url, params, time.monotonic() + self.settings.http_deadline_s)

    def _follow(self, url: str, params: Params | None, deadline: float) -> tuple[int, str, str, str, float | None]:
        origin = urlsplit(url)
        query = dict(params) if params else None
        for _ in range(MAX_REDIRECTS + 1):
            status, phrase, headers, body = self._read(url, query, deadline)
            if status not in REDIRECT_STATUSES or "location" not in headers:
                return status, phrase, url, body, self._retry_after(headers)
            target = urlsplit(httpx.URL(url).join(headers["location"]).__str__())
            if target.hostname != origin.hostname or target.scheme not in ("http", "https"):
                raise _Refused(f"refused a redirect to another host ({target.scheme}://{target.netloc})")
            url, query = target.geturl(), None
        raise _Refused(f"more than {MAX_REDIRECTS} redirects")

    def _read(
        self, url: str, params: dict[str, str | int | float] | None, deadline: float
    ) -> tuple[int, str, httpx.Headers, str]:
        """Stream one response: at most settings.http_max_body_bytes, and done by `deadline`."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise httpx.ReadTimeout("deadline passed before the request started")
        timeout = httpx.Timeout(min(self.settings.http_timeout_s, remaining))
        limit = self.settings.http_max_body_bytes
        with self._client.stream("GET", url, params=params, timeout=timeout) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and declared.isascii() and int(declared) > limit:
                raise _Refused(f"answer of {declared} bytes is over the {limit}-byte limit")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():  # decoded: the cap holds against compressed bombs too
                size += len(chunk)
                if size > limit:
                    raise _Refused(f"answer passed the {limit}-byte limit (PAPERWIRE_HTTP_MAX_BODY_BYTES)")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"answer took longer than {self.settings.http_deadline_s} s")
                chunks.append(chunk)
            content = b"".join(chunks)
            encoding = response.charset_encoding or "utf-8"
            return response.status_code, response.reason_phrase, response.headers, content.decode(encoding, "replace")

    def _backoff(self, attempt: int) -> float:
        return float(min(self.backoff_base_s * 2**attempt, self.max_delay_s))

    def _retry_after(self, headers: httpx.Headers) -> float | None:
        """Retry-After in seconds (or an HTTP date), capped at max_delay_s; None when absent or bad."""
        value = headers.get("Retry-After", "").strip()
        if not value:
            return None
        seconds: float
        if value.isdigit() and value.isascii():
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
