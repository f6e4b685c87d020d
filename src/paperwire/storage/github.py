"""The GitHub star cache (github_repos) and which repositories papers name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from paperwire.domain.links import github_name, github_repo
from paperwire.storage.db import next_seq
from paperwire.storage.papers import chunked
from paperwire.storage.tables import github_repos, papers


def stars_of(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    """Known star counts of these 'owner/name' repositories."""
    found: dict[str, int] = {}
    for part in chunked(list(dict.fromkeys(names))):
        query = select(github_repos.c.full_name, github_repos.c.stars).where(
            github_repos.c.full_name.in_(list(part)), github_repos.c.stars.is_not(None)
        )
        found.update((name, int(stars)) for name, stars in conn.execute(query))
    return found


def cached(conn: Connection, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for part in chunked(list(dict.fromkeys(names))):
        for row in conn.execute(select(github_repos).where(github_repos.c.full_name.in_(list(part)))).mappings():
            found[row["full_name"]] = dict(row)
    return found


def save(conn: Connection, full_name: str, status: int, stars: int | None, etag: str | None, now: datetime) -> None:
    """Store a fetch; a 304 keeps the stored count and ETag and only moves fetched_at."""
    next_seq(conn, "github")  # cached pages show the new count
    exists = conn.execute(select(github_repos.c.full_name).where(github_repos.c.full_name == full_name)).first()
    values: dict[str, Any] = {"status": status, "fetched_at": now}
    if status != 304:
        values.update(stars=stars, etag=etag)
    if exists:
        conn.execute(github_repos.update().where(github_repos.c.full_name == full_name).values(**values))
    else:
        conn.execute(github_repos.insert().values(full_name=full_name, **{"stars": stars, "etag": etag, **values}))


def repos_of_recent_papers(conn: Connection, since: date) -> list[str]:
    """'owner/name' of the GitHub repositories of papers listed since `since` or with a chosen repository."""
    recent = or_(
        papers.c.announced >= since,
        papers.c.submitted_on >= since,
        papers.c.github_repo.is_not(None),
    )
    names: dict[str, None] = {}
    for chosen, links in conn.execute(select(papers.c.github_repo, papers.c.code_links).where(recent)):
        name = github_name(github_repo(chosen, tuple(links or ())))
        if name:
            names.setdefault(name, None)
    return list(names)
