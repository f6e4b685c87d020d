"""Comments through HTTP: threads, Markdown and math, edit/delete own, votes, XSS corpus rendered inert."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.storage.community_tables import comments
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '"><script>alert(1)</script>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '![x](https://evil.example/x.png" onerror="alert(1))',
    "$<script>alert(1)</script>$",
    "$$</span><script>alert(1)</script>$$",
    "<details open ontoggle=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="&#106;avascript:alert(1)">x</a>',
]


def _assert_inert(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["script", "iframe", "svg", "img", "object", "embed"]) is None
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        assert "style" not in tag.attrs, tag
        href = str(tag.get("href", "")).strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), tag


def _post(client, paper_id: str, csrf: str, body: str, parent: int | None = None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf, "body": body} | ({"parent_id": str(parent)} if parent else {})
    return client.post(f"/papers/{paper_id}/comments", data=data)


def test_threaded_comments_with_markdown_and_math(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    assert _post(client, paper_id, csrf, "Nice *result*: $a_1 * b_2$").status_code == 303
    with engine.connect() as conn:
        first = conn.execute(select(comments.c.id)).scalar_one()
    assert _post(client, paper_id, csrf, "a reply", parent=first).status_code == 303
    page = BeautifulSoup(client.get(f"/discuss/{paper_id}").text, "html.parser")
    root = page.find(id=f"c{first}")
    assert root.find("em").text == "result"
    assert root.find("span", class_="math").text == "$a_1 * b_2$"
    assert root.find("ol", class_="replies").find("li").find(class_="comment-body").text.strip() == "a reply"


def test_reply_to_other_paper_is_refused(settings: Settings, engine: Engine) -> None:
    one, two = make_paper(engine), make_paper(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    _post(client, one, csrf, "first")
    with engine.connect() as conn:
        first = conn.execute(select(comments.c.id)).scalar_one()
    assert _post(client, two, csrf, "sneaky", parent=first).status_code == 400


def test_edit_and_delete_only_own(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    app = make_app(settings)[0]
    author, other = client_for(app), client_for(app)
    csrf = login(author, make_user(engine)["email"])
    other_csrf = login(other, make_user(engine)["email"])
    _post(author, paper_id, csrf, "original")
    with engine.connect() as conn:
        comment_id = conn.execute(select(comments.c.id)).scalar_one()
    assert other.post(f"/comments/{comment_id}/edit", data={"csrf_token": other_csrf, "body": "x"}).status_code == 403
    assert other.post(f"/comments/{comment_id}/delete", data={"csrf_token": other_csrf}).status_code == 403
    assert (
        author.post(f"/comments/{comment_id}/edit", data={"csrf_token": csrf, "body": "**edited**"}).status_code == 303
    )
    with engine.connect() as conn:
        assert conn.execute(select(comments.c.body_html)).scalar_one().strip() == "<p><strong>edited</strong></p>"
    assert author.post(f"/comments/{comment_id}/delete", data={"csrf_token": csrf}).status_code == 303
    assert "[deleted]" in author.get(f"/discuss/{paper_id}").text


def test_comments_sorted_by_wilson_bound_or_time(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    app = make_app(settings)[0]
    writer = client_for(app)
    csrf = login(writer, make_user(engine)["email"])
    for body in ("early", "late"):
        _post(writer, paper_id, csrf, body)
    with engine.connect() as conn:
        early, late = (row.id for row in conn.execute(select(comments.c.id).order_by(comments.c.id)))
    for _ in range(3):
        voter = client_for(app)
        voter.post(
            f"/comments/{late}/vote",
            data={"csrf_token": login(voter, make_user(engine)["email"]), "value": "1"},
        )

    def order(sort: str) -> list[str]:
        page = BeautifulSoup(writer.get(f"/discuss/{paper_id}?sort={sort}").text, "html.parser")
        return [li["id"] for li in page.select("ol.comment-tree > li")]

    assert order("best") == [f"c{late}", f"c{early}"]
    assert order("old") == [f"c{early}", f"c{late}"]
    assert order("new") == [f"c{late}", f"c{early}"]


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_comments_is_inert(settings: Settings, engine: Engine, payload: str) -> None:
    paper_id = make_paper(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    assert _post(client, paper_id, csrf, payload).status_code == 303
    page = BeautifulSoup(client.get(f"/discuss/{paper_id}").text, "html.parser")
    for body in page.select(".comment-body"):
        _assert_inert(str(body))


@pytest.mark.parametrize("payload", XSS[:8])
def test_xss_in_profile_fields_is_inert(settings: Settings, engine: Engine, payload: str) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    data = {"csrf_token": csrf, "display_name": payload[:64], "bio": payload}
    assert client.post("/account/profile", data=data).status_code == 303
    page = BeautifulSoup(client.get(f"/users/{user['id']}").text, "html.parser")
    _assert_inert(str(page.find("section", class_="profile")))
    assert page.find("p", class_="bio").text == payload  # shown as text, escaped


def test_api_comment(settings: Settings, engine: Engine) -> None:
    from bs4 import BeautifulSoup as Soup

    paper_id = make_paper(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    token = (
        Soup(client.post("/account/tokens", data={"csrf_token": csrf}).text, "html.parser").find(id="new-token").text
    )
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/papers/{paper_id}/comments", json={"body": "via API"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["url"].startswith(f"/discuss/{paper_id}#c")
    assert client.post(f"/api/papers/{paper_id}/comments", json={"body": ""}, headers=headers).status_code == 400
