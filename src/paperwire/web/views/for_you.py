"""For You: the page, /api/for-you and the private-token Atom feed. All three (and the digest's
"Recommended for you") call SearchService.for_you, the one ranking (search/personal.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from paperwire.storage import library as repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User
from paperwire.web.builders.library import for_you_items
from paperwire.web.deps import CommunityDep, search_of, services_of, settings_of
from paperwire.web.flash import flash
from paperwire.web.schema import ForYouItem, ForYouPage
from paperwire.web.syndication import MEDIA_TYPES, FeedMeta, render_feed
from paperwire.web.views.accounts import LoggedIn, PageAuth, api_user, redirect, render
from paperwire.web.views.library import to_login

router = APIRouter()
ApiUser = Annotated[User, Depends(api_user)]
COLD_START = "Save or upvote three papers, or follow a few authors or categories, and For You ranks new papers for you."


def for_you_data(request: Request, user_id: int, limit: int) -> dict[str, Any]:
    picks = search_of(request).for_you(user_id, limit=limit)
    with read_only(services_of(request).engine) as conn:
        items = for_you_items(conn, settings_of(request), picks)
        saved = len(repo.saved_ids(conn, user_id))
        has_token = repo.has_feed_token(conn, user_id)
    return {"items": items, "cold": not items, "saved": saved, "has_token": has_token, "cold_start": COLD_START}


@router.get("/for-you", include_in_schema=False)
def for_you_page(request: Request, auth: PageAuth) -> Response:
    user = auth.user
    if user is None:
        return to_login(request)
    return render(request, "library/for_you.html", auth, **for_you_data(request, user.id, 50))


@router.get("/api/for-you", name="api.for_you", tags=["library"], response_model=ForYouPage)
def api_for_you(request: Request, user: ApiUser, limit: int = Query(50, ge=1, le=200)) -> JSONResponse:
    """The token owner's For You ranking (the same as /for-you and the digest): {items, cold}."""
    data = for_you_data(request, user.id, limit)
    fields = set(ForYouItem.model_fields)
    items = [ForYouItem(**{k: v for k, v in item.items() if k in fields}) for item in data["items"]]
    body = ForYouPage(items=items, cold=data["cold"]).model_dump()
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.post("/for-you/token", include_in_schema=False)
def new_feed_token(request: Request, community: CommunityDep, user: LoggedIn) -> Response:
    raw = community.library.new_feed_token(user)
    url = f"{settings_of(request).base_url}/for-you/feed/{raw}.atom"
    return flash(request, redirect("/for-you#feed"), f"Your private feed (keep it secret; a new one revokes it): {url}")


@router.get("/for-you/feed/{token}.atom", include_in_schema=False)
def private_feed(request: Request, community: CommunityDep, token: str) -> Response:
    user_id = community.library.user_of_feed_token(token)
    items = for_you_data(request, user_id, 50)["items"]
    base = settings_of(request).base_url
    meta = FeedMeta(
        title="For You · paperwire",
        page_url=f"{base}/for-you",
        self_url=f"{base}/for-you/feed/token.atom",  # the secret stays out of the document
        description="New papers ranked for you",
    )
    return Response(
        render_feed("atom", meta, items, base), media_type=MEDIA_TYPES["atom"], headers={"Cache-Control": "no-store"}
    )
