"""One Content-Security-Policy on every response, without 'unsafe-inline' (issue 16, item 11)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from paperwire.web.middleware import CSP, EMAIL_PREVIEW_CSP
from tests.factories import make_record

PATHS = [
    "/",
    "/papers/2501.90001",
    "/papers/2501.90001.md",
    "/api/papers/2501.90001",
    "/trending",
    "/search?q=attention",
    "/feeds/daily.atom",
    "/login",
    "/api/docs",
    "/openapi.json",
    "/static/site.css",
    "/no/such/page",
    "/papers?date=9999-12-31",
    "/papers?cat=a%00b",
]


@pytest.fixture
def client(add_papers, client: TestClient) -> TestClient:  # type: ignore[no-untyped-def]
    add_papers(make_record(id="2501.90001", title="Attention with $x^2$"))
    return client


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_one_policy_without_unsafe_inline(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP, path
    assert "unsafe-inline" not in CSP
    assert "script-src 'self'" in CSP
    assert "style-src 'self';" in CSP


def test_templates_carry_no_inline_styles_or_scripts(client: TestClient) -> None:
    for path in ("/", "/papers/2501.90001", "/trending", "/search?q=attention", "/login", "/signup", "/subscribe"):
        html = BeautifulSoup(client.get(path).text, "html.parser")
        assert html.select("[style]") == [], path
        assert html.find_all("style") == [], path
        assert [s for s in html.find_all("script") if not s.get("src")] == [], path
        assert [t for t in html.find_all(True) if any(a.startswith("on") for a in t.attrs)] == [], path


def test_the_email_preview_policy_allows_inline_styles_and_no_script() -> None:
    assert "style-src 'unsafe-inline'" in EMAIL_PREVIEW_CSP
    assert "script-src" not in EMAIL_PREVIEW_CSP  # default-src 'none' covers scripts
    assert "default-src 'none'" in EMAIL_PREVIEW_CSP
    assert "sandbox" in EMAIL_PREVIEW_CSP
