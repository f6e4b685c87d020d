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
from paperwire.storage import newest, reader
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


def _newest_ids(conn: Connection, search: SearchService, follows: list[repo.Follow]) -> list[list[str]]:
    """The newest few paper ids of each follow: one statement for all the authors, one for all the
    categories (storage/newest.py); searches ask the index."""
    authors = [f.label for f in follows if f.kind == "author"]
    spellings = reader.find_authors_of(conn, authors)
    groups = [[author["id"] for author in spellings[label]] for label in authors]
    found = {
        "author": dict(zip(authors, newest.newest_of_authors(conn, groups, NEWEST_PER_FOLLOW), strict=True)),
        "category": newest.newest_in_categories(
            conn, [f.label for f in follows if f.kind == "category"], NEWEST_PER_FOLLOW
        ),
    }
    return [found[f.kind][f.label] if f.kind in found else _searched(search, f.label) for f in follows]


def _searched(search: SearchService, query: str) -> list[str]:
    try:
        return search.rank_ids(query, limit=NEWEST_PER_FOLLOW)
    except PaperwireError:  # no index yet, or a query the index refuses: the follow is listed without papers
        return []


def build_following(conn: Connection, settings: Settings, search: SearchService, user_id: int) -> dict[str, Any]:
    follows = repo.follows_of(conn, user_id)
    newest_ids = _newest_ids(conn, search, follows)
    papers = {p["id"]: p for p in papers_in_order(conn, settings, [i for ids in newest_ids for i in ids])}
    listed: list[dict[str, Any]] = []
    for follow, ids in zip(follows, newest_ids, strict=True):
        page, feed = _follow_page(follow)
        shown = [papers[i] for i in ids if i in papers]
        listed.append({"kind": follow.kind, "label": follow.label, "url": page, "feed": feed, "papers": shown})
    page_ids = [i for ids in newest_ids for i in ids if i in papers]
    return {"follows": listed, "page_ids": list(dict.fromkeys(page_ids))}


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
