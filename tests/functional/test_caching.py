"""HTTP caching: ETag and Last-Modified with 304s, invalidation by the data version, gzip, static files."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.factories import make_record

DAY = date(2025, 1, 6)  # papers are announced and submitted on it (/api/daily_papers lists submissions)
PAGES = ["/", "/papers?date=2025-01-06", "/api/daily_papers", "/feeds/daily.atom", "/trending"]


@pytest.mark.parametrize("path", PAGES)
def test_etag_gives_304_until_the_data_changes(client: TestClient, add_papers, path: str) -> None:
    add_papers(make_record(announced=DAY, submitted_on=DAY))
    first = client.get(path)
    etag = first.headers["etag"]
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    add_papers(make_record(announced=DAY, submitted_on=DAY))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_if_modified_since(client: TestClient, add_papers) -> None:
    add_papers(make_record())
    stamp = client.get("/api/daily_papers").headers["last-modified"]
    assert client.get("/api/daily_papers", headers={"If-Modified-Since": stamp}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/api/daily_papers", headers={"If-Modified-Since": old}).status_code == 200


def test_html_and_json_twins_have_different_etags(client: TestClient, add_papers) -> None:
    add_papers(make_record(announced=DAY, submitted_on=DAY))
    assert (
        client.get("/papers?date=2025-01-06").headers["etag"]
        != client.get("/api/daily_papers?date=2025-01-06").headers["etag"]
    )


def test_cached_page_reflects_new_votes_once_the_version_changes(client: TestClient, add_papers, engine) -> None:
    from sqlalchemy import update

    from paperwire.storage.db import next_seq
    from paperwire.storage.tables import papers

    (paper,) = add_papers(make_record(announced=date(2025, 1, 6)))
    assert client.get("/api/new").json()[0]["paper"]["upvotes"] == 0
    with engine.begin() as conn:  # what a vote does: change the count and bump a counter
        conn.execute(update(papers).where(papers.c.id == paper.id).values(upvotes=1))
        next_seq(conn, "votes")
    assert client.get("/api/new").json()[0]["paper"]["upvotes"] == 1


def test_anonymous_readers_reuse_the_version_for_a_second(client: TestClient, app, add_papers) -> None:
    app.services.caches.data_version.ttl_s = 60.0  # what a second is to a fast test
    add_papers(make_record(announced=date(2025, 1, 6)))
    etag = client.get("/api/new").headers["etag"]
    add_papers(make_record(announced=date(2025, 1, 6)))  # written by another process: seen after the TTL
    assert client.get("/api/new", headers={"If-None-Match": etag}).status_code == 304
    client.post("/api/health")  # any write request through this worker re-reads the version next time
    fresh = client.get("/api/new", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    etag = fresh.headers["etag"]
    add_papers(make_record(announced=date(2025, 1, 6)))
    assert client.get("/api/new", headers={"If-None-Match": etag}).status_code == 304
    signed_in = client.get("/api/new", headers={"If-None-Match": etag, "Cookie": "x=1"})
    assert signed_in.status_code == 200  # a cookie or a token may have just written: always fresh
    assert len(signed_in.json()) == 3


def test_responses_are_gzipped_when_asked(client: TestClient, add_papers) -> None:
    add_papers(*(make_record(announced=DAY, submitted_on=DAY) for _ in range(10)))
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    again = client.get("/", headers={"Accept-Encoding": "gzip, br"})  # the cached, compressed-once copy
    assert again.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in again.headers["vary"]
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert again.text == response.text == plain.text
    signed_in = client.get("/", headers={"Accept-Encoding": "gzip", "Cookie": "x=1"})  # GZipMiddleware's turn
    assert signed_in.headers["content-encoding"] == "gzip"
    assert signed_in.text == plain.text


def test_static_files_are_cacheable(client: TestClient) -> None:
    css = client.get("/static/site.css")
    assert css.status_code == 200
    assert css.headers["cache-control"] == "public, max-age=86400"
    katex = client.get("/static/vendor/katex/katex.min.js")
    assert katex.status_code == 200
    assert "max-age=31536000" in katex.headers["cache-control"]
    assert client.get("/static/vendor/katex/fonts/KaTeX_Main-Regular.woff2").status_code == 200
