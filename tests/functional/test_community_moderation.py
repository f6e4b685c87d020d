"""Moderation: hidden papers and comments, bans that stop votes counting, reports, admin-only routes."""

from __future__ import annotations

from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.storage.community_tables import comments
from paperwire.storage.tables import papers
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def _upvotes(engine: Engine, paper_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(papers.c.upvotes).where(papers.c.id == paper_id)).scalar_one())


def test_ban_stops_votes_counting_and_unban_restores(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    app = make_app(settings)[0]
    voter_account = make_user(engine)
    voter, admin = client_for(app), client_for(app)
    voter.post(f"/papers/{paper_id}/vote", data={"csrf_token": login(voter, voter_account["email"])})
    assert _upvotes(engine, paper_id) == 1
    admin_csrf = login(admin, make_user(engine, admin=True)["email"])
    assert admin.post(f"/admin/users/{voter_account['id']}/ban", data={"csrf_token": admin_csrf}).status_code == 303
    assert _upvotes(engine, paper_id) == 0
    assert voter.get("/account").status_code == 303  # sessions ended
    token = client_for(app).get("/login")
    assert token.status_code == 200
    assert admin.post(f"/admin/users/{voter_account['id']}/unban", data={"csrf_token": admin_csrf}).status_code == 303
    assert _upvotes(engine, paper_id) == 1


def test_banned_user_cannot_log_in(settings: Settings, engine: Engine) -> None:
    app = make_app(settings)[0]
    target = make_user(engine)
    admin = client_for(app)
    admin.post(
        f"/admin/users/{target['id']}/ban",
        data={"csrf_token": login(admin, make_user(engine, admin=True)["email"])},
    )
    client = client_for(app)
    from tests.unit.community.support import PASSWORD, page_csrf

    form = {"email": target["email"], "password": PASSWORD, "csrf_token": page_csrf(client)}
    assert client.post("/login", data=form).status_code == 403


def test_non_admins_cannot_moderate(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    assert client.post(f"/admin/papers/{paper_id}/hide", data={"csrf_token": csrf}).status_code == 403
    assert client.get("/admin").status_code == 403


def test_hidden_paper_cannot_be_voted_or_discussed(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    app = make_app(settings)[0]
    admin, user = client_for(app), client_for(app)
    admin_csrf = login(admin, make_user(engine, admin=True)["email"])
    assert admin.post(f"/admin/papers/{paper_id}/hide", data={"csrf_token": admin_csrf}).status_code == 303
    csrf = login(user, make_user(engine)["email"])
    assert user.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code == 404
    assert user.post(f"/papers/{paper_id}/comments", data={"csrf_token": csrf, "body": "hi"}).status_code == 404
    admin.post(f"/admin/papers/{paper_id}/unhide", data={"csrf_token": admin_csrf})
    assert user.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code == 303


def test_reports_reach_admins_and_hidden_comments_disappear(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    app = make_app(settings)[0]
    writer, reporter, admin = client_for(app), client_for(app), client_for(app)
    writer_csrf = login(writer, make_user(engine)["email"])
    writer.post(f"/papers/{paper_id}/comments", data={"csrf_token": writer_csrf, "body": "spam spam spam"})
    with engine.connect() as conn:
        comment_id = conn.execute(select(comments.c.id)).scalar_one()
    reporter_csrf = login(reporter, make_user(engine)["email"])
    reporter.post(f"/comments/{comment_id}/report", data={"csrf_token": reporter_csrf, "reason": "<b>spam</b>"})
    admin_csrf = login(admin, make_user(engine, admin=True)["email"])
    page = admin.get("/admin")
    assert "&lt;b&gt;spam&lt;/b&gt;" in page.text
    assert admin.post(f"/admin/comments/{comment_id}/hide", data={"csrf_token": admin_csrf}).status_code == 303
    assert "spam spam spam" not in reporter.get(f"/discuss/{paper_id}").text
    assert "spam spam spam" in admin.get(f"/discuss/{paper_id}").text  # admins still see it, marked hidden
