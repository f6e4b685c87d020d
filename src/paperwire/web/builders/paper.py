"""One paper: the page, its JSON twin, its Markdown, and its similar papers.

Similar papers are a separate request (`/papers/{id}/similar`, `/api/papers/{id}/similar`): they cost a
scan of the search index (~10 ms on 75k papers), so the paper page itself stays a few indexed queries.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.links import github_name, split_links
from paperwire.domain.papers import parse_arxiv_id
from paperwire.errors import InvalidInput, NotFound, PaperwireError, UnknownPaper
from paperwire.search.service import SearchService
from paperwire.storage import charts as charts_repo
from paperwire.storage import reader
from paperwire.storage.github import stars_of
from paperwire.storage.papers import get_versions
from paperwire.storage.reader import PaperRow
from paperwire.web.builders._papers import iso, paper_dicts, paper_path
from paperwire.web.charts import day_series

log = logging.getLogger(__name__)
SIMILAR_LIMIT = 6
MAX_SIMILAR = 100


def canonical_id(raw: str) -> str:
    try:
        return parse_arxiv_id(raw).id
    except ValueError:
        return raw.strip()


def find_paper(conn: Connection, raw_id: str, include_hidden: bool = False) -> PaperRow:
    """The paper; NotFound when a moderator hid it (unless `include_hidden`: the moderator's own view);
    UnknownPaper for a well-formed arXiv id we do not hold (pages offer to index it)."""
    visible_only = not include_hidden
    row = reader.paper_by_id(conn, raw_id, visible_only=visible_only) or reader.paper_by_id(
        conn, canonical_id(raw_id), visible_only=visible_only
    )
    if (
        row is None
        and visible_only
        and (reader.paper_by_id(conn, raw_id) or reader.paper_by_id(conn, canonical_id(raw_id)))
    ):
        raise NotFound(f"no paper with id {raw_id[:80]!r}")
    if row is None:
        try:
            raise UnknownPaper(parse_arxiv_id(raw_id).id)
        except ValueError:
            raise NotFound(f"no paper with id {raw_id[:80]!r}") from None
    return row


def similar_papers(search: SearchService, paper_id: str, limit: int = SIMILAR_LIMIT) -> list[dict[str, Any]]:
    """Similar papers from the search service; empty when it has no index yet or not this paper."""
    try:
        found = search.similar(paper_id, limit=limit)
    except PaperwireError as error:  # no index yet, paper not indexed yet
        log.info("web.similar_unavailable", extra={"paper": paper_id, "reason": str(error)})
        return []
    return [
        {
            "id": s.id,
            "title": s.title,
            "score": s.score,
            "url": paper_path(s.id),
            "shared_terms": list(s.shared_terms),
            "mainly_semantic": s.mainly_semantic,
        }
        for s in found
    ]


def _held(conn: Connection, raw_id: str) -> bool:
    return (reader.paper_by_id(conn, raw_id) or reader.paper_by_id(conn, canonical_id(raw_id))) is not None


def build_paper(conn: Connection, settings: Settings, raw_id: str, include_hidden: bool = False) -> dict[str, Any]:
    row = find_paper(conn, raw_id, include_hidden)
    [paper] = paper_dicts(conn, settings, [row])
    paper.update(
        comment=row.comment,
        journal_ref=row.journal_ref,
        doi=row.doi,
        license=row.license if (row.license or "").startswith(("http://", "https://")) else None,
        updated=iso(row.updated),
        versions=[{"version": v, "submitted": iso(d)} for v, d in get_versions(conn, row.id)],
        comment_parts=[{"text": part.text, "url": part.url} for part in split_links(row.comment)],
    )
    repo = github_name(paper["github_repo"])
    paper["github_name"] = repo
    paper["github_stars"] = stars_of(conn, [repo]).get(repo) if repo else None
    # papers.upvotes counts the counted votes: a paper without any (most) costs no chart query.
    votes = charts_repo.vote_days(conn, row.id) if row.upvotes > 0 else []
    return {"paper": paper, "upvotes_by_day": day_series(votes, cumulative=True)}


def build_similar(
    conn: Connection, search: SearchService, raw_id: str, limit: int = SIMILAR_LIMIT, include_hidden: bool = False
) -> dict[str, Any]:
    if not 1 <= limit <= MAX_SIMILAR:
        raise InvalidInput(f"limit: expected 1..{MAX_SIMILAR}, got {limit}")
    row = find_paper(conn, raw_id, include_hidden)
    paper = {"id": row.id, "title": row.title, "url": paper_path(row.id)}
    similar = similar_papers(search, row.id, limit)
    shown = reader.visible_ids(conn, [s["id"] for s in similar])
    return {"id": row.id, "paper": paper, "similar": [s for s in similar if s["id"] in shown]}


def meta_description(paper: dict[str, Any], limit: int = 300) -> str:
    """<meta name="description">: the TL;DR when there is one, else the abstract's opening, one line."""
    text = " ".join((paper.get("ai_summary") or paper["abstract"]).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _wrap(text: str, width: int, lines: int) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 2] + " …"
    return out


def thumbnail_svg(paper: dict[str, Any]) -> str:
    """A 1200 by 630 title card (HF's `thumbnail`): the title, the first authors, the id. All text escaped."""
    title = _wrap(paper["title"], 38, 4)
    authors = ", ".join(paper["authors"][:3]) + (" et al." if len(paper["authors"]) > 3 else "")
    rows = "".join(
        f'<text x="72" y="{200 + 72 * i}" font-size="56" font-weight="700">{escape(line)}</text>'
        for i, line in enumerate(title)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">'
        '<rect width="1200" height="630" fill="#f7f7f4"/><rect width="1200" height="12" fill="#b31b1b"/>'
        f'<g font-family="sans-serif" fill="#1d1d1f">{rows}'
        f'<text x="72" y="540" font-size="32" fill="#555">{escape(authors[:90])}</text>'
        f'<text x="72" y="590" font-size="28" fill="#777">arXiv:{escape(paper["id"])} · paperwire</text></g></svg>'
    )
