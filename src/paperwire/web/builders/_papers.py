"""Paper rows -> the dicts every page, API and feed shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.links import github_repo, project_page
from paperwire.domain.papers import paper_path
from paperwire.domain.users import username
from paperwire.storage import claims as claims_repo
from paperwire.storage import reader
from paperwire.storage.comments import comment_counts
from paperwire.storage.reader import PaperRow, PaperStub, Submission

SNIPPET_CHARS = 280

__all__ = ["author_path", "category_path", "iso", "paper_dict", "paper_dicts", "paper_path", "snippet"]


def author_path(name: str) -> str:
    return "/authors/" + quote(name, safe="")


def category_path(category: str) -> str:
    return "/categories/" + quote(category, safe="")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def paper_dicts(conn: Connection, settings: Settings, rows: Sequence[PaperRow]) -> list[dict[str, Any]]:
    """paper_dict for each row, with visible comment counts and, for submitted papers, the submitter."""
    comments = comment_counts(conn, [r.id for r in rows])
    found = reader.submitters(conn, [r.id for r in rows if r.submitted_on])
    claims = approved_claims(conn, settings, [r.id for r in rows])
    dicts = [paper_dict(r, settings, comments.get(r.id, 0), found.get(r.id)) for r in rows]
    for paper in dicts:
        paper["claims"] = claims.get(paper["id"], {})
    return dicts


def approved_claims(conn: Connection, settings: Settings, ids: list[str]) -> dict[str, dict[str, Any]]:
    """{paper id: {author name: {user (HF's user object), changed_at, profile_url}}} of approved claims."""
    found: dict[str, dict[str, Any]] = {}
    for claim in claims_repo.approved_for_papers(conn, ids) if ids else []:
        user = {
            "_id": str(claim["user_id"]),
            "avatarUrl": f"{settings.base_url}/static/avatar.svg",
            "fullname": claim["display_name"],
            "user": username(claim["display_name"], claim["user_id"]),
            "isPro": False,
            "type": "user",
        }
        changed = claim["decided_at"] or claim["created_at"]
        entry = {"user": user, "changed_at": stamp(changed), "profile_url": f"/users/{claim['user_id']}"}
        found.setdefault(claim["paper_id"], {})[claim["author"]] = entry
    return found


def submitter_of(row: PaperRow, submission: Submission | None, settings: Settings) -> dict[str, Any] | None:
    """Who submitted the paper to a daily list, as Hugging Face's user object: the local submitter,
    else the one a Hugging Face import named."""
    if submission is not None:
        return {
            "_id": str(submission.user_id),
            "avatarUrl": f"{settings.base_url}/static/avatar.svg",
            "fullname": submission.display_name,
            "user": username(submission.display_name, submission.user_id),
            "isPro": False,
            "type": "user",
            "profileUrl": f"/users/{submission.user_id}",
        }
    imported = row.imported_submitter
    if not imported or not imported.get("user"):
        return None
    return {
        "_id": str(imported.get("_id") or imported["user"]),
        "avatarUrl": str(imported.get("avatarUrl") or f"{settings.base_url}/static/avatar.svg"),
        "fullname": str(imported.get("fullname") or imported["user"]),
        "user": str(imported["user"]),
        "isPro": bool(imported.get("isPro", False)),
        "type": str(imported.get("type") or "user"),
        "profileUrl": None,
    }


def _submitted_at(row: PaperRow, submission: Submission | None) -> str | None:
    """When the paper joined the daily list, to the second where known (else the day at midnight UTC)."""
    when = submission.created_at if submission else row.submitted_at
    if when is not None:
        return stamp(when)
    return stamp(row.submitted_on) if row.submitted_on else None


def stamp(value: date | datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as Hugging Face writes times."""
    if not isinstance(value, datetime):
        return f"{value.isoformat()}T00:00:00.000Z"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


def paper_dict(
    row: PaperRow, settings: Settings, comments: int = 0, submission: Submission | None = None
) -> dict[str, Any]:
    """The one shape of a paper in lists: plain JSON types only, so it caches and serialises as is."""
    is_arxiv = not row.id.startswith(("doi:", "hf:"))
    code_links = [link for link in row.code_links if link.startswith(("https://", "http://"))]
    return {
        "id": row.id,
        "title": row.title,
        "abstract": row.abstract,
        "snippet": snippet(row.abstract),
        "authors": list(row.authors),
        "categories": list(row.categories),
        "primary_category": row.primary_category,
        "published": iso(row.published),
        "announced": iso(row.announced),
        "submitted_on": iso(row.submitted_on),
        "submitted_by": submission.display_name if submission else None,
        "submitter": submitter_of(row, submission, settings) if row.submitted_on else None,
        "submitted_at": _submitted_at(row, submission),
        "submission_comment": submission.comment if submission else None,
        "published_at": stamp(row.published_at) if row.published_at else None,
        "upvotes": row.upvotes,
        "num_comments": comments + row.imported_comments,
        "code_links": code_links,
        "github_repo": github_repo(row.github_repo, code_links),
        "project_page": row.project_page or project_page(row.comment),
        "ai_keywords": list(row.ai_keywords),
        "ai_summary": row.ai_summary,
        "version": row.version,
        "url": paper_path(row.id),
        "thumbnail": f"{settings.base_url}{paper_path(row.id)}/thumbnail.svg",
        "abs_url": f"{settings.arxiv_abs_url}/{row.id}" if is_arxiv else None,
        "pdf_url": f"{settings.arxiv_pdf_url}/{row.id}" if is_arxiv else None,
        "updated_at": iso(row.updated_at),
    }


def order_by_date(rows: Sequence[PaperStub]) -> list[PaperStub]:
    """Newest listing day first, then id descending."""
    return sorted(rows, key=lambda row: ((row.day or date.min).toordinal(), row.id), reverse=True)


def stamp_day(day: str | None) -> str | None:
    """An ISO day ('2025-01-02') as Hugging Face's timestamp at midnight UTC (when no time is known)."""
    return f"{day}T00:00:00.000Z" if day else None
