"""A scripted HTTP server on 127.0.0.1 for tests of network clients.

    server.add("/oai", [(503, {"Retry-After": "1"}, ""), (200, {}, body)], params={"verb": "ListRecords"})

Each route answers with its responses in order and repeats the last one when they run out. A route
matches when the path is equal and its `params` are a subset of the request's query; the route with
most params wins. Unmatched requests get 404. Every request is recorded (path, query, headers, the
client's port, start and end times) and the server tracks how many were in flight at once.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Streamed:
    """A body written chunk by chunk, without Content-Length unless the headers give one (a huge answer,
    or a drip: `delay_s` between chunks)."""

    chunk: bytes
    count: int
    delay_s: float = 0.0


Response = tuple[int, Mapping[str, str], "str | bytes | Streamed"]


@dataclass
class RecordedRequest:
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    client_port: int
    started: float
    ended: float = 0.0


@dataclass
class _Route:
    path: str
    params: dict[str, str]
    responses: list[Response]
    served: int = 0

    def next_response(self) -> Response:
        response = self.responses[min(self.served, len(self.responses) - 1)]
        self.served += 1
        return response


@dataclass
class ScriptedServer:
    routes: list[_Route] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    max_in_flight: int = 0
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def add(self, path: str, responses: Sequence[Response], params: Mapping[str, str] | None = None) -> None:
        self.routes.append(_Route(path, dict(params or {}), list(responses)))

    def respond(self, path: str, params: dict[str, str]) -> Response:
        candidates = [r for r in self.routes if r.path == path and all(params.get(k) == v for k, v in r.params.items())]
        if not candidates:
            return 404, {}, f"no route for {path} {params}"
        return max(candidates, key=lambda r: len(r.params)).next_response()

    def enter(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def leave(self, request: RecordedRequest) -> None:
        with self._lock:
            self._in_flight -= 1
            request.ended = time.monotonic()

    def start_gaps(self) -> list[float]:
        """Seconds between consecutive request starts."""
        starts = [r.started for r in self.requests]
        return [b - a for a, b in itertools.pairwise(starts)]


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so a polite client reuses one connection

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            record = RecordedRequest(
                parts.path, params, dict(self.headers.items()), self.client_address[1], time.monotonic()
            )
            server.enter(record)
            try:
                status, headers, body = server.respond(parts.path, params)
                if isinstance(body, Streamed):
                    self._stream(status, headers, body)
                    return
                payload = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            finally:
                server.leave(record)

        def _stream(self, status: int, headers: Mapping[str, str], body: Streamed) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(body.count):
                    self.wfile.write(body.chunk)
                    self.wfile.flush()
                    if body.delay_s:
                        time.sleep(body.delay_s)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what the tests want

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests assert on `server.requests` instead."""

    return Handler


def serve() -> Iterator[ScriptedServer]:
    """Start a server on a random port; yields it, then shuts it down (use as a fixture body)."""
    scripted = ScriptedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(scripted))
    httpd.daemon_threads = True
    scripted.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield scripted
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
