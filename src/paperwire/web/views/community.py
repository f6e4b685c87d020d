"""Community pages and JSON API: submit, upvote, comments, profiles, moderation.

HTML forms authenticate with the session cookie plus a CSRF token; the JSON write endpoints only with
a personal API token (Authorization: Bearer), so cookies alone can never write through /api.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from paperwire.community.moderation import profile
from paperwire.community.submissions import limits
from paperwire.domain.papers import paper_path
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import reader
from paperwire.storage.db import read_only
from paperwire.storage.users import User
from paperwire.storage.votes import voted_ids
from paperwire.web.builders._papers import paper_dicts
from paperwire.web.deps import CommunityDep, community_of, services_of, settings_of
from paperwire.web.views.accounts import (
    Auth,
    LoggedIn,
    PageAuth,
    api_user,
    get_auth,
    redirect,
    render,
    safe_next,
)

router = APIRouter(tags=["community"])
ApiUser = Annotated[User, Depends(api_user)]


def discussion_context(request: Request, auth: Auth, paper_id: str, sort: str = "best") -> dict[str, Any]:
    """What community/_upvote.html and community/_comments.html need for one paper."""
    with read_only(services_of(request).engine) as conn:
        voted = bool(auth.user and voted_ids(conn, auth.user.id, [paper_id]))
    thread = community_of(request).comments.thread(paper_id, sort, auth.user)
    return {
        "community": {**thread, "voted": voted, "paper_id": paper_id},
        "current_user": auth.user,
        "csrf": auth.csrf,
    }


# discussion page, submit


@router.get("/discuss/{paper_id:path}", include_in_schema=False)
def discussion(request: Request, auth: PageAuth, paper_id: str, sort: str = "best") -> Response:
    with read_only(services_of(request).engine) as conn:
        row = reader.paper_by_id(conn, paper_id)
        if row is None:
            raise NotFound(f"no paper {paper_id!r}")
        [paper] = paper_dicts(conn, settings_of(request), [row])
    context = discussion_context(request, auth, paper_id, sort)
    return render(request, "community/discussion.html", auth, paper=paper, **context)


@router.get("/submit", include_in_schema=False)
def submit_page(request: Request, auth: PageAuth) -> Response:
    """The rules are shown to everyone; logging in is asked for at the submit button."""
    return render(request, "community/submit.html", auth, limits=limits(settings_of(request)))


@router.post("/submit", include_in_schema=False)
def submit(
    request: Request, community: CommunityDep, user: LoggedIn, paper: Annotated[str, Form(max_length=300)]
) -> Response:
    return redirect(paper_path(community.submissions.submit(user, paper)))


# votes and comments (HTML forms)


@router.post("/papers/{paper_id:path}/vote", include_in_schema=False)
def vote(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    community.votes.upvote(user, paper_id)
    return redirect(safe_next(next or paper_path(paper_id)))


@router.post("/papers/{paper_id:path}/unvote", include_in_schema=False)
def unvote(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    community.votes.unvote(user, paper_id)
    return redirect(safe_next(next or paper_path(paper_id)))


@router.post("/papers/{paper_id:path}/comments", include_in_schema=False)
def add_comment(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    paper_id: str,
    body: Annotated[str, Form(max_length=20000)],
    parent_id: Annotated[int | None, Form()] = None,
) -> Response:
    comment_id = community.comments.add(user, paper_id, body, parent_id)
    return redirect(f"/discuss/{paper_id}#c{comment_id}")


@router.post("/papers/{paper_id:path}/report", include_in_schema=False)
def report_paper(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, reason: Annotated[str, Form()] = ""
) -> Response:
    community.comments.report(user, "paper", paper_id, reason)
    return redirect(f"/discuss/{paper_id}")


@router.post("/comments/{comment_id}/edit", include_in_schema=False)
def edit_comment(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    comment_id: int,
    body: Annotated[str, Form(max_length=20000)],
) -> Response:
    paper_id = community.comments.edit(user, comment_id, body)
    return redirect(f"/discuss/{paper_id}#c{comment_id}")


@router.post("/comments/{comment_id}/delete", include_in_schema=False)
def delete_comment(request: Request, community: CommunityDep, user: LoggedIn, comment_id: int) -> Response:
    return redirect(f"/discuss/{community.comments.delete(user, comment_id)}")


@router.post("/comments/{comment_id}/vote", include_in_schema=False)
def vote_comment(
    request: Request, community: CommunityDep, user: LoggedIn, comment_id: int, value: Annotated[int, Form()]
) -> Response:
    paper_id = community.comments.vote(user, comment_id, value)
    return redirect(f"/discuss/{paper_id}#c{comment_id}")


@router.post("/comments/{comment_id}/report", include_in_schema=False)
def report_comment(
    request: Request, community: CommunityDep, user: LoggedIn, comment_id: int, reason: Annotated[str, Form()] = ""
) -> Response:
    community.comments.report(user, "comment", str(comment_id), reason)
    return redirect("/")


# profiles and moderation


@router.get("/users/{user_id}", include_in_schema=False)
def user_profile(request: Request, auth: PageAuth, user_id: int) -> Response:
    data = profile(services_of(request).engine, user_id)
    return render(request, "profile/show.html", auth, **data)


@router.get("/admin", include_in_schema=False)
def admin(request: Request, community: CommunityDep, auth: PageAuth) -> Response:
    if auth.user is None:
        return redirect("/login?next=/admin")
    return render(request, "community/admin.html", auth, reports=community.moderation.reports(auth.user))


def _flag(action: str) -> bool:
    if action not in ("hide", "unhide", "ban", "unban"):
        raise InvalidInput("unknown action")
    return action in ("hide", "ban")


@router.post("/admin/papers/{paper_id:path}/{action}", include_in_schema=False)
def moderate_paper(request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, action: str) -> Response:
    community.moderation.set_paper_hidden(user, paper_id, _flag(action))
    return redirect("/admin")


@router.post("/admin/comments/{comment_id}/{action}", include_in_schema=False)
def moderate_comment(
    request: Request, community: CommunityDep, user: LoggedIn, comment_id: int, action: str
) -> Response:
    paper_id = community.moderation.set_comment_hidden(user, comment_id, _flag(action))
    return redirect(f"/discuss/{paper_id}")


@router.post("/admin/users/{user_id}/{action}", include_in_schema=False)
def moderate_user(request: Request, community: CommunityDep, user: LoggedIn, user_id: int, action: str) -> Response:
    community.moderation.set_banned(user, user_id, _flag(action))
    return redirect(f"/users/{user_id}")


@router.post("/admin/reports/{report_id}/resolve", include_in_schema=False)
def resolve_report(request: Request, community: CommunityDep, user: LoggedIn, report_id: int) -> Response:
    community.moderation.resolve(user, report_id)
    return redirect("/admin")


# JSON API (Bearer token)


class VotePublic(BaseModel):
    ok: bool = True
    paper_id: str
    voted: bool
    upvotes: int
    changed: bool


class CommentCreate(BaseModel):
    body: str = Field(min_length=1, max_length=10000)
    parent_id: int | None = None


class CommentPublic(BaseModel):
    ok: bool = True
    id: int
    paper_id: str
    url: str


# What /api/submissions accepts, stated in /openapi.json (ASCII digits only, as domain.papers parses them).
_ID = r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?"
SUBMISSION_PATTERN = rf"^(?:(?:arXiv:)?{_ID}|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{_ID}(?:\.pdf)?)$"


class SubmissionCreate(BaseModel):
    paper: str = Field(
        min_length=1,
        max_length=300,
        pattern=SUBMISSION_PATTERN,
        description="arXiv id (2401.12345, hep-th/9901001, arXiv:2401.12345v2) or arxiv.org/abs/ or /pdf/ URL",
    )


class SubmissionPublic(BaseModel):
    ok: bool = True
    paper_id: str
    url: str


@router.post("/api/papers/{paper_id:path}/vote", name="api.papers.vote", response_model=VotePublic)
def api_vote(request: Request, community: CommunityDep, user: ApiUser, paper_id: str) -> VotePublic:
    result = community.votes.upvote(user, paper_id)
    return VotePublic(paper_id=paper_id, voted=True, upvotes=result.upvotes, changed=result.changed)


@router.delete("/api/papers/{paper_id:path}/vote", name="api.papers.unvote", response_model=VotePublic)
def api_unvote(request: Request, community: CommunityDep, user: ApiUser, paper_id: str) -> VotePublic:
    result = community.votes.unvote(user, paper_id)
    return VotePublic(paper_id=paper_id, voted=False, upvotes=result.upvotes, changed=result.changed)


@router.post("/api/papers/{paper_id:path}/comments", name="api.papers.comment", response_model=CommentPublic)
def api_comment(
    request: Request, community: CommunityDep, user: ApiUser, paper_id: str, comment: CommentCreate
) -> CommentPublic:
    comment_id = community.comments.add(user, paper_id, comment.body, comment.parent_id)
    return CommentPublic(id=comment_id, paper_id=paper_id, url=f"/discuss/{paper_id}#c{comment_id}")


@router.post("/api/submissions", name="api.submissions.create", response_model=SubmissionPublic)
def api_submit(
    request: Request, community: CommunityDep, user: ApiUser, submission: SubmissionCreate
) -> SubmissionPublic:
    paper_id = community.submissions.submit(user, submission.paper)
    return SubmissionPublic(paper_id=paper_id, url=paper_path(paper_id))


def install_template_globals(env: Any) -> None:
    """Let pages rendered by other views show real upvote and comment forms.

    Call once on the Jinja environment (web/templating.py: `make_templates`). Adds `community_auth(request)`
    (the viewer and CSRF token; one query per request, only with a session cookie) and
    `community_comments(request, paper_id)` (the discussion of one paper, for the paper page).
    """
    env.globals["community_auth"] = get_auth
    env.globals["community_comments"] = lambda request, paper_id: discussion_context(
        request, get_auth(request), paper_id, request.query_params.get("sort", "best")
    )["community"]
