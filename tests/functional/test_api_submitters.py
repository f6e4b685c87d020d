"""/api/daily_papers names who submitted a paper to the daily list (Hugging Face's submittedBy)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, update

from paperwire.storage.community_tables import submissions
from paperwire.storage.tables import papers
from tests.factories import make_record
from tests.unit.community.support import make_user


def test_submitted_papers_carry_the_submitters_display_name(client, add_papers, engine: Engine) -> None:
    day = date(2025, 2, 3)
    submitted, listed = add_papers(make_record(announced=day), make_record(announced=day))
    user = make_user(engine, name="Grace Hopper")
    with engine.begin() as conn:
        conn.execute(update(papers).where(papers.c.id == submitted.id).values(submitted_on=day))
        conn.execute(
            submissions.insert().values(
                paper_id=submitted.id, user_id=user["id"], submitted_on=day, created_at=datetime.now(UTC)
            )
        )
    items = {item["paper"]["id"]: item for item in client.get("/api/daily_papers?date=2025-02-03").json()}
    assert items[submitted.id]["submittedBy"] == {
        "_id": str(user["id"]),
        "avatarUrl": "http://testserver/static/avatar.svg",
        "fullname": "Grace Hopper",
        "user": f"grace-hopper-{user['id']}",
        "isPro": False,
        "type": "user",
    }
    assert listed.id not in items  # /api/daily_papers lists the community's submissions only, as HF
