"""The researcher's own layer on the web: follow, save, notes, collections, exports, imports, and the
archive of everything an account owns. Every form is CSRF-checked (LoggedIn) and, without JS, posts
and redirects back with a flash, as the other writes do."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from paperwire.community.library_export import Export
from paperwire.domain.citations import EXPORT_FORMATS
from paperwire.domain.papers import paper_path
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import library as repo
from paperwire.storage.db import read_only
from paperwire.web.builders.library import build_collection, build_following, build_library, papers_in_order
from paperwire.web.deps import CommunityDep, search_of, services_of, settings_of
from paperwire.web.flash import flash
from paperwire.web.syndication import MEDIA_TYPES, FeedMeta, render_feed
from paperwire.web.views.accounts import LoggedIn, PageAuth, redirect, render, safe_next
from paperwire.web.views.community import wants_json

router = APIRouter(include_in_schema=False)
MAX_IMPORT_BYTES = 2_000_000
KIND_NAMES = {"author": "author", "category": "category", "search": "search"}


def _back(request: Request, next: str, default: str, text: str) -> Response:
    return flash(request, redirect(safe_next(next or default)), text)


def to_login(request: Request) -> Response:
    return redirect("/login?" + urlencode({"next": request.url.path}))


# follow


@router.post("/follow")
def follow(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    kind: Annotated[str, Form(max_length=20)],
    target: Annotated[str, Form(max_length=400)],
    next: Annotated[str, Form()] = "",
) -> Response:
    followed, added = community.library.follow(user, kind, target)
    text = f"Following {followed.label}." if added else f"You already follow {followed.label}."
    return _back(request, next, "/following", text)


@router.post("/unfollow")
def unfollow(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    kind: Annotated[str, Form(max_length=20)],
    target: Annotated[str, Form(max_length=400)],
    next: Annotated[str, Form()] = "",
) -> Response:
    followed, _ = community.library.unfollow(user, kind, target)
    return _back(request, next, "/following", f"No longer following {followed.label}.")


@router.get("/following")
def following(request: Request, auth: PageAuth) -> Response:
    user = auth.user
    if user is None:
        return to_login(request)
    with read_only(services_of(request).engine) as conn:
        data = build_following(conn, settings_of(request), search_of(request), user.id)
    return render(request, "library/following.html", auth, **data)


# save, note, "Not relevant"


def _saved(request: Request, paper_id: str, saved: bool, next: str) -> Response:
    if wants_json(request):
        return Response(json.dumps({"paper_id": paper_id, "saved": saved}), media_type="application/json")
    text = "Saved to your library." if saved else "Removed from your library."
    return _back(request, next, paper_path(paper_id), text)


@router.post("/papers/{paper_id:path}/save")
def save(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    community.library.save(user, paper_id)
    return _saved(request, paper_id, True, next)


@router.post("/papers/{paper_id:path}/unsave")
def unsave(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    community.library.unsave(user, paper_id)
    return _saved(request, paper_id, False, next)


@router.post("/papers/{paper_id:path}/note")
def note(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    paper_id: str,
    note: Annotated[str, Form(max_length=6000)] = "",
) -> Response:
    community.library.set_note(user, paper_id, note)
    return _back(request, f"/library#p-{paper_id}", "/library", "Note saved.")


@router.post("/papers/{paper_id:path}/not-relevant")
def not_relevant(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    community.library.not_relevant(user, paper_id)
    return _back(request, next, "/for-you", "Marked as not relevant: For You will show fewer papers like it.")


# the library and collections


@router.get("/library")
def library(request: Request, auth: PageAuth) -> Response:
    user = auth.user
    if user is None:
        return to_login(request)
    with read_only(services_of(request).engine) as conn:
        data = build_library(conn, settings_of(request), user.id)
    return render(request, "library/library.html", auth, formats=list(EXPORT_FORMATS), **data)


def _download(export: Export) -> Response:
    disposition = f'attachment; filename="{export.filename}"'
    headers = {"Content-Disposition": disposition, "Cache-Control": "no-store"}
    return Response(export.body, media_type=export.media_type, headers=headers)


@router.get("/library/export.{fmt}")
def export_library(request: Request, community: CommunityDep, auth: PageAuth, fmt: str) -> Response:
    user = auth.user
    if user is None:
        return to_login(request)
    return _download(community.library.export(user, fmt))


@router.post("/collections")
def create_collection(
    request: Request, community: CommunityDep, user: LoggedIn, name: Annotated[str, Form(max_length=300)] = ""
) -> Response:
    collection_id = community.library.create_collection(user, name)
    return _back(request, f"/collections/{collection_id}", "/library", "Collection created.")


@router.get("/collections/{collection_id}")
def collection_page(request: Request, community: CommunityDep, auth: PageAuth, collection_id: int) -> Response:
    user = auth.user
    if user is None:
        return to_login(request)
    with read_only(services_of(request).engine) as conn:
        found = community.library.owned(conn, user, collection_id)
        data = build_collection(conn, settings_of(request), found)
    return render(request, "library/collection.html", auth, formats=list(EXPORT_FORMATS), owner=True, **data)


@router.get("/collections/{collection_id}/export.{fmt}")
def export_collection(
    request: Request, community: CommunityDep, auth: PageAuth, collection_id: int, fmt: str
) -> Response:
    user = auth.user
    if user is None:
        return to_login(request)
    return _download(community.library.export(user, fmt, collection_id))


@router.post("/collections/{collection_id}/add")
def add_to_collection(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    collection_id: int,
    paper: Annotated[str, Form(max_length=300)],
    next: Annotated[str, Form()] = "",
) -> Response:
    community.library.add_to_collection(user, collection_id, paper.strip())
    return _back(request, next, f"/collections/{collection_id}", "Added to the collection.")


@router.post("/collections/{collection_id}/remove")
def remove_from_collection(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    collection_id: int,
    paper: Annotated[str, Form(max_length=300)],
) -> Response:
    community.library.remove_from_collection(user, collection_id, paper.strip())
    return _back(request, "", f"/collections/{collection_id}", "Removed from the collection.")


@router.post("/collections/{collection_id}/visibility")
def set_visibility(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    collection_id: int,
    public: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    community.library.set_public(user, collection_id, public == "1")
    text = "The collection is public now." if public == "1" else "The collection is private now."
    return _back(request, "", f"/collections/{collection_id}", text)


@router.post("/collections/{collection_id}/delete")
def delete_collection(request: Request, community: CommunityDep, user: LoggedIn, collection_id: int) -> Response:
    community.library.delete_collection(user, collection_id)
    return _back(request, "", "/library", "Collection deleted (the papers stay in your library).")


@router.post("/collections/{collection_id}/import")
async def import_collection(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    collection_id: int,
    ids: Annotated[str, Form(max_length=MAX_IMPORT_BYTES)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    text = ids
    if file is not None and file.filename:
        raw = await file.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise InvalidInput(f"file: at most {MAX_IMPORT_BYTES:,} bytes")
        text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        raise InvalidInput("nothing to import: paste arXiv ids or choose a BibTeX file")
    report = community.library.import_into(user, collection_id, text)
    summary = f"Imported {len(report.added)} paper(s); {len(report.already)} already there."
    if report.errors:
        summary += " Skipped: " + "; ".join(f"line {e['line']}: {e['error']}" for e in report.errors[:5])
    return _back(request, "", f"/collections/{collection_id}", summary)


# public collections


@router.get("/c/{public_id}.atom")
def public_collection_feed(request: Request, community: CommunityDep, public_id: str) -> Response:
    found, ids = community.library.public_collection(public_id)
    settings = settings_of(request)
    with read_only(services_of(request).engine) as conn:
        papers = papers_in_order(conn, settings, ids[:100])
    base = settings.base_url
    meta = FeedMeta(
        title=f"{found.name} · paperwire",
        page_url=f"{base}/c/{public_id}",
        self_url=f"{base}/c/{public_id}.atom",
        description=f"The collection {found.name}",
    )
    return Response(render_feed("atom", meta, papers, base), media_type=MEDIA_TYPES["atom"])


@router.get("/c/{public_id}")
def public_collection(request: Request, community: CommunityDep, auth: PageAuth, public_id: str) -> Response:
    found, _ = community.library.public_collection(public_id)
    with read_only(services_of(request).engine) as conn:
        data = build_collection(conn, settings_of(request), found)
    owner = auth.user is not None and auth.user.id == found.user_id
    return render(request, "library/collection.html", auth, formats=list(EXPORT_FORMATS), owner=owner, **data)


# everything an account owns


@router.get("/account/export.zip")
def export_everything(request: Request, community: CommunityDep, auth: PageAuth) -> Response:
    """One archive: library (BibTeX, CSL-JSON, JSON lines with notes), each collection, follows."""
    user = auth.user
    if user is None:
        return to_login(request)
    library = community.library
    buffer = io.BytesIO()
    with read_only(services_of(request).engine) as conn, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for export in (library.export(user, fmt) for fmt in ("bibtex", "csl", "jsonl")):
            archive.writestr(export.filename, export.text)
        for collection in repo.collections_of(conn, user.id):
            archive.writestr(f"collections/{collection.id}.bib", library.export(user, "bibtex", collection.id).text)
        follows = [
            {"kind": f.kind, "label": f.label, "since": f.created_at.isoformat()}
            for f in repo.follows_of(conn, user.id)
        ]
        archive.writestr("follows.json", json.dumps(follows, ensure_ascii=False, indent=1))
        archive.writestr("not-relevant.json", json.dumps(repo.not_relevant_ids(conn, user.id)))
        collections = [
            {"id": c.id, "name": c.name, "public": c.is_public, "papers": c.size}
            for c in repo.collections_of(conn, user.id)
        ]
        archive.writestr("collections.json", json.dumps(collections, ensure_ascii=False, indent=1))
    headers = {"Content-Disposition": 'attachment; filename="paperwire-export.zip"', "Cache-Control": "no-store"}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


def viewer_saved(request: Request, paper_id: str, page_ids: list[str] | None = None) -> bool:
    """Has the logged-in viewer saved this paper? One query per page, like viewer_voted."""
    from paperwire.web.views.accounts import get_auth

    user = get_auth(request).user
    if user is None:
        return False
    known: dict[str, bool] = getattr(request.state, "viewer_saved", None) or {}
    if paper_id not in known:
        ids = list(dict.fromkeys([paper_id, *(page_ids or [])]))
        with read_only(services_of(request).engine) as conn:
            saved = repo.saved_ids(conn, user.id, ids)
        known.update({pid: pid in saved for pid in ids})
        request.state.viewer_saved = known
    return known[paper_id]


def viewer_follows(request: Request, kind: str, target: str) -> bool:
    """Does the logged-in viewer follow (kind, target)? One query per page."""
    from paperwire.community.library import resolve_follow
    from paperwire.web.views.accounts import get_auth

    user = get_auth(request).user
    if user is None or not target:
        return False
    follows: list[repo.Follow] | None = getattr(request.state, "viewer_follows", None)
    with read_only(services_of(request).engine) as conn:
        if follows is None:
            follows = repo.follows_of(conn, user.id)
            request.state.viewer_follows = follows
        if not follows:
            return False
        label = " ".join(target.split())
        if any(f.kind == kind and f.label == label for f in follows):  # /following's buttons: no lookup
            return True
        try:
            wanted = resolve_follow(conn, kind, target)
        except (InvalidInput, NotFound):
            return False
    return any(f.kind == wanted.kind and f.target == wanted.target for f in follows)


def install_template_globals(env: object) -> None:
    """`viewer_saved(request, paper_id, page_ids)` and `viewer_follows(request, kind, target)`."""
    env.globals["viewer_saved"] = viewer_saved  # type: ignore[attr-defined]
    env.globals["viewer_follows"] = viewer_follows  # type: ignore[attr-defined]
