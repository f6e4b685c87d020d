"""The whole community flow in Chromium: sign up, confirm by e-mail (real SMTP), log in, submit, upvote,
comment, log out. The app runs in its own uvicorn process with the SMTP backend."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.storage.community_tables import comments, votes
from paperwire.storage.tables import papers
from tests.smtpserver import free_port, smtp_server
from tests.unit.community.support import PASSWORD, link_in, make_paper, uvicorn_server

pytestmark = pytest.mark.browser


def _wait_for_mail(handler: object, timeout_s: float = 10.0) -> object:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if handler.received:  # type: ignore[attr-defined]
            return handler.received[0].message  # type: ignore[attr-defined]
        time.sleep(0.05)
    raise AssertionError("no e-mail arrived")


def test_sign_up_to_log_out(browser: object, settings: Settings, engine: Engine, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    paper_id = make_paper(engine, published=today, announced=today, title="Browsers dream of papers")
    with smtp_server() as (smtp_url, handler):
        port = free_port()
        env = {
            "PAPERWIRE_DATABASE_URL": settings.database_url,
            "PAPERWIRE_BASE_URL": f"http://127.0.0.1:{port}",
            "PAPERWIRE_MAIL_BACKEND": "smtp",
            "PAPERWIRE_SMTP_URL": smtp_url,
            "PAPERWIRE_EMBEDDER": "hashing",
            "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
        }
        with uvicorn_server(env, port) as url:
            page = browser.new_page()  # type: ignore[attr-defined]
            page.goto(url + "/signup")
            page.fill("input[name=email]", "reader@example.org")
            page.fill("input[name=display_name]", "Reader")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("text=Check your e-mail")

            message = _wait_for_mail(handler)
            link = link_in(message)
            assert link.startswith(f"{url}/verify?token=")  # built from the configured base URL
            page.goto(link)
            page.wait_for_selector("text=Address confirmed")

            page.goto(url + "/login")
            page.fill("input[name=email]", "reader@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/login'] button[type=submit]")
            page.goto(url + "/submit")
            page.fill("input[name=paper]", f"https://arxiv.org/abs/{paper_id}")
            page.click("form[action='/submit'] button[type=submit]")
            page.wait_for_url(f"**/papers/{paper_id}")

            page.goto(url + f"/discuss/{paper_id}")
            page.click("form.upvote-form button")
            page.wait_for_selector("form.upvote-form button.voted")
            page.fill("#comment-body", "Great paper, **bold** claim: $E = mc^2$")
            page.click("form.comment-form button[type=submit]")
            page.wait_for_selector(".comment-body strong")
            assert "mc" in page.inner_text(".comment-body .math")  # passed through (the site's KaTeX may render it)

            page.goto(url + "/account")
            page.click(".account-logout button[type=submit]")
            page.goto(url + "/account")
            assert "/login" in page.url
    with engine.connect() as conn:
        # the vote is recorded, but a vote on one's own submission never counts (issue 16, item 3)
        assert conn.execute(select(papers.c.upvotes).where(papers.c.id == paper_id)).scalar_one() == 0
        assert conn.execute(select(votes)).first() is not None
        assert conn.execute(select(comments.c.body_md)).scalar_one().startswith("Great paper")
