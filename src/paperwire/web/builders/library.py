"""The data of the researcher's pages: /following, /library, a collection, For You, and the exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.errors import PaperwireError
from paperwire.search.personal import Pick
from paperwire.search.service import SearchService
from paperwire.storage import library as repo
from paperwire.storage import reader
from paperwire.web.builders._papers import author_path, paper_dicts

NEWEST_PER_FOLLOW = 3


def papers_in_order(conn: Connection, settings: Settings, ids: list[str]) -> list[dict[str, Any]]:
    found = reader.papers_by_id(conn, ids, visible_only=True)
    return paper_dicts(conn, settings, [found[i] for i in ids if i in found])


def _follow_page(follow: repo.Follow) -> tuple[str, str]:
    """(page, Atom feed) of a followed thing: the existing author, category and search feeds."""
    if follow.kind == "author":
        return author_path(follow.label), author_path(follow.label) + ".atom"
    if follow.kind == "category":
        return f"/categories/{follow.label}", f"/categories/{follow.label}.atom"
    query = urlencode({"q": follow.label})
    return f"/search?{query}", f"/feeds/search.atom?{query}"


def _newest_ids(conn: Connection, search: SearchService, follow: repo.Follow) -> list[str]:
    if follow.kind == "author":
        spellings = reader.find_authors(conn, follow.label)
        ids = [a["id"] for a in spellings]
        return [row.id for row in reader.author_papers(conn, ids, NEWEST_PER_FOLLOW, 0)[1]] if ids else []
    if follow.kind == "category":
        return [row.id for row in reader.newest_papers(conn, follow.label, NEWEST_PER_FOLLOW, 0)]
    try:
        return search.rank_ids(follow.label, limit=NEWEST_PER_FOLLOW)
    except PaperwireError:  # no index yet, or a query the index refuses: the follow is listed without papers
        return []


def build_following(conn: Connection, settings: Settings, search: SearchService, user_id: int) -> dict[str, Any]:
    follows = []
    for follow in repo.follows_of(conn, user_id):
        page, feed = _follow_page(follow)
        papers = papers_in_order(conn, settings, _newest_ids(conn, search, follow))
        follows.append({"kind": follow.kind, "label": follow.label, "url": page, "feed": feed, "papers": papers})
    return {"follows": follows}


def build_library(conn: Connection, settings: Settings, user_id: int) -> dict[str, Any]:
    items = repo.saved_items(conn, user_id)
    papers = papers_in_order(conn, settings, [item["paper_id"] for item in items])
    notes = {item["paper_id"]: item["note"] for item in items}
    for paper in papers:
        paper["note"] = notes.get(paper["id"], "")
    collections = [_collection_dict(c) for c in repo.collections_of(conn, user_id)]
    return {"papers": papers, "collections": collections, "total": len(papers)}


def _collection_dict(collection: repo.Collection) -> dict[str, Any]:
    return {
        "id": collection.id,
        "name": collection.name,
        "is_public": collection.is_public,
        "public_url": f"/c/{collection.public_id}",
        "url": f"/collections/{collection.id}",
        "size": collection.size,
    }


def build_collection(conn: Connection, settings: Settings, collection: repo.Collection) -> dict[str, Any]:
    papers = papers_in_order(conn, settings, repo.collection_paper_ids(conn, collection.id))
    return {"collection": _collection_dict(collection), "papers": papers}


def for_you_items(conn: Connection, settings: Settings, picks: list[Pick]) -> list[dict[str, Any]]:
    papers = {p["id"]: p for p in papers_in_order(conn, settings, [pick.paper_id for pick in picks])}
    return [{**papers[p.paper_id], "why": p.why, "score": round(p.score, 4)} for p in picks if p.paper_id in papers]
