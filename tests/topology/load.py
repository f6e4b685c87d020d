"""A client of the topology: reads and votes spread over the app hosts, failing over when a host is gone.

Each reader is one verified account with an API token. It alternates between hosts request by request; when
a host does not answer (refused, reset, timed out), it repeats the same request on the next host. A vote is
idempotent (one per account and paper), so repeating one whose answer was lost cannot count it twice.
A patient reader also repeats a request answered 503 (the database is away), after a short pause.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from bs4 import BeautifulSoup

from tests.unit.community.support import PASSWORD


def api_token(base: str, email: str) -> str:
    """Log in through the forms (with their CSRF tokens) and create an API token on /account."""
    with httpx.Client(base_url=base, timeout=30) as client:
        csrf = BeautifulSoup(client.get("/login").text, "html.parser").find("input", {"name": "csrf_token"})["value"]
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
        csrf = BeautifulSoup(client.get("/account").text, "html.parser").find("input", {"name": "csrf_token"})["value"]
        page = client.post("/account/tokens", data={"csrf_token": csrf})
        return str(BeautifulSoup(page.text, "html.parser").find(id="new-token").text)


@dataclass
class Tally:
    """What the hosts answered, per host: HTTP statuses and transport failures, and each acknowledged vote."""

    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    acknowledged: set[tuple[str, str]] = field(default_factory=set)  # (email, paper id)
    failovers: int = 0
    unavailable: list[tuple[float, str | None]] = field(default_factory=list)  # 503s: (seconds, Retry-After)
    answers: list[tuple[float, str, int]] = field(default_factory=list)  # (monotonic time, host, status)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, base: str, response: httpx.Response) -> None:
        with self.lock:
            self.statuses.setdefault(base, Counter())[response.status_code] += 1
            self.answers.append((time.monotonic(), base, response.status_code))
            if response.status_code == 503:
                self.unavailable.append((response.elapsed.total_seconds(), response.headers.get("retry-after")))

    def failed(self, base: str, error: Exception) -> None:
        with self.lock:
            self.failures.setdefault(base, []).append(type(error).__name__)
            self.failovers += 1

    def voted(self, email: str, paper_id: str) -> None:
        with self.lock:
            self.acknowledged.add((email, paper_id))

    def first_ok_after(self, base: str, moment: float) -> float:
        """Seconds from `moment` to the first 200 that `base` answered after it."""
        with self.lock:
            return min(t for t, b, status in self.answers if b == base and status == 200 and t >= moment) - moment

    def errors_on(self, base: str) -> int:
        bad = sum(n for status, n in self.statuses.get(base, Counter()).items() if status != 200)
        return bad + len(self.failures.get(base, []))


@dataclass
class Reader:
    email: str
    token: str
    bases: list[str]
    tally: Tally
    turn: int = 0
    patient: bool = False  # repeat requests answered 503
    give_up_s: float = 120.0

    def request(self, method: str, path: str, clients: dict[str, httpx.Client]) -> httpx.Response:
        """`method path` on the next host; on the following ones while a host does not answer."""
        deadline = time.monotonic() + self.give_up_s
        while time.monotonic() < deadline:
            base = self.bases[self.turn % len(self.bases)]
            self.turn += 1
            try:
                response = clients[base].request(method, path)
            except httpx.TransportError as error:
                self.tally.failed(base, error)
                continue
            self.tally.answered(base, response)
            if response.status_code == 503 and self.patient:
                time.sleep(0.2)
                continue
            return response
        raise RuntimeError(f"no host answered {method} {path} within {self.give_up_s} s")

    def run(self, paper_ids: list[str], after_each: Callable[[], None]) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        clients = {base: httpx.Client(base_url=base, headers=headers, timeout=15) for base in self.bases}
        try:
            for paper_id in paper_ids:
                self.request("GET", f"/api/papers/{paper_id}", clients)
                self.request("GET", "/api/search?q=attention", clients)
                if self.request("POST", f"/api/papers/{paper_id}/vote", clients).status_code == 200:
                    self.tally.voted(self.email, paper_id)
                after_each()
        finally:
            for client in clients.values():
                client.close()
