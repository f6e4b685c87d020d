"""Community pages and JSON API: submit, upvote, comments, profiles, moderation.

HTML forms authenticate with the session cookie plus a CSRF token; the JSON write endpoints only with
a personal API token (Authorization: Bearer), so cookies alone can never write through /api.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from paperwire.community.moderation import profile
from paperwire.community.submissions import limits
from paperwire.community.votes import VoteResult
from paperwire.domain.papers import paper_path
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import comments as comments_repo
from paperwire.storage import reader
from paperwire.storage.db import read_only
from paperwire.storage.users import User
from paperwire.storage.votes import voted_ids
from paperwire.web.builders._papers import paper_dicts
from paperwire.web.deps import CommunityDep, community_of, services_of, settings_of
from paperwire.web.flash import flash
from paperwire.web.views.accounts import (
    Auth,
    CsrfAuth,
    LoggedIn,
    PageAuth,
    api_user,
    client_of,
    get_auth,
    redirect,
    render,
    safe_next,
)

router = APIRouter(tags=["community"])
REPORTED = "Thank you: your report was sent to the moderators."
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
    paper_id = community.submissions.submit(user, paper)
    return flash(request, redirect(paper_path(paper_id)), f"Submitted: {paper_id} is on today's list.")


def _who(user: User | None, request: Request) -> str:
    return f"user:{user.id}" if user else f"ip:{client_of(request)}"


@router.post("/papers/index", include_in_schema=False)
def index_paper(
    request: Request, community: CommunityDep, auth: CsrfAuth, paper: Annotated[str, Form(max_length=300)]
) -> Response:
    """ "Index this paper": fetch an unknown arXiv paper now (anyone; CSRF; rate-limited)."""
    paper_id, _ = community.submissions.index(paper, _who(auth.user, request))
    return redirect(paper_path(paper_id))


@router.post("/papers/{paper_id:path}/links", include_in_schema=False)
def edit_links(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    paper_id: str,
    github_repo: Annotated[str, Form(max_length=600)] = "",
    project_page: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    community.submissions.set_links(user, paper_id, github_repo, project_page)
    return redirect(paper_path(paper_id))


@router.post("/papers/{paper_id:path}/claim", include_in_schema=False)
def claim_author(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    paper_id: str,
    author: Annotated[str, Form(max_length=600)],
) -> Response:
    community.claims.claim(user, paper_id, author)
    return redirect(f"/users/{user.id}#claims")


@router.post("/admin/claims/{claim_id}/{action}", include_in_schema=False)
def decide_claim(request: Request, community: CommunityDep, user: LoggedIn, claim_id: int, action: str) -> Response:
    community.claims.decide(user, claim_id, action)
    return redirect("/admin#claims")


# votes and comments (HTML forms)


def wants_json(request: Request) -> bool:
    """site.js asks for JSON (Accept: application/json); a plain form post gets a redirect."""
    return "application/json" in request.headers.get("accept", "")


def _voted(request: Request, result: VoteResult, next: str) -> Response:
    if wants_json(request):
        public = VotePublic(**asdict(result))
        return JSONResponse(public.model_dump(), headers={"Cache-Control": "no-store"})
    text = "Upvoted." if result.voted else "Upvote removed."
    return flash(request, redirect(safe_next(next or paper_path(result.paper_id))), text)


@router.post("/papers/{paper_id:path}/vote", include_in_schema=False)
def vote(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    """The upvote form; with Accept: application/json (site.js), the new state instead of a redirect."""
    return _voted(request, community.votes.upvote(user, paper_id), next)


@router.post("/papers/{paper_id:path}/unvote", include_in_schema=False)
def unvote(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    return _voted(request, community.votes.unvote(user, paper_id), next)


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
    return flash(request, redirect(f"/discuss/{paper_id}#c{comment_id}"), "Comment posted.")


@router.post("/papers/{paper_id:path}/report", include_in_schema=False)
def report_paper(
    request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, reason: Annotated[str, Form()] = ""
) -> Response:
    community.comments.report(user, "paper", paper_id, reason)
    return flash(request, redirect(f"/discuss/{paper_id}"), REPORTED)


@router.post("/comments/{comment_id}/edit", include_in_schema=False)
def edit_comment(
    request: Request,
    community: CommunityDep,
    user: LoggedIn,
    comment_id: int,
    body: Annotated[str, Form(max_length=20000)],
) -> Response:
    paper_id = community.comments.edit(user, comment_id, body)
    return flash(request, redirect(f"/discuss/{paper_id}#c{comment_id}"), "Comment saved.")


@router.post("/comments/{comment_id}/delete", include_in_schema=False)
def delete_comment(request: Request, community: CommunityDep, user: LoggedIn, comment_id: int) -> Response:
    paper_id = community.comments.delete(user, comment_id)
    return flash(request, redirect(f"/discuss/{paper_id}"), "Comment deleted.")


@router.post("/comments/{comment_id}/vote", include_in_schema=False)
def vote_comment(
    request: Request, community: CommunityDep, user: LoggedIn, comment_id: int, value: Annotated[int, Form()]
) -> Response:
    paper_id = community.comments.vote(user, comment_id, value)
    text = "Vote removed." if value == 0 else "Vote recorded."
    return flash(request, redirect(f"/discuss/{paper_id}#c{comment_id}"), text)


@router.post("/comments/{comment_id}/report", include_in_schema=False)
def report_comment(
    request: Request, community: CommunityDep, user: LoggedIn, comment_id: int, reason: Annotated[str, Form()] = ""
) -> Response:
    community.comments.report(user, "comment", str(comment_id), reason)
    with read_only(services_of(request).engine) as conn:
        comment = comments_repo.get_comment(conn, comment_id)
    target = f"/discuss/{comment['paper_id']}#c{comment_id}" if comment else "/"
    return flash(request, redirect(target), REPORTED)


# profiles and moderation


@router.get("/users/{user_id}", include_in_schema=False)
def user_profile(request: Request, auth: PageAuth, user_id: int) -> Response:
    data = profile(services_of(request).engine, user_id)
    return render(request, "profile/show.html", auth, **data)


@router.get("/admin", include_in_schema=False)
def admin(request: Request, community: CommunityDep, auth: PageAuth) -> Response:
    if auth.user is None:
        return redirect("/login?next=/admin")
    reports = community.moderation.reports(auth.user)
    claims = community.claims.pending(auth.user)
    return render(request, "community/admin.html", auth, reports=reports, claims=claims)


DONE = {"hide": "hidden", "unhide": "shown again", "ban": "banned", "unban": "unbanned"}


def _flag(action: str) -> bool:
    if action not in ("hide", "unhide", "ban", "unban"):
        raise InvalidInput("unknown action")
    return action in ("hide", "ban")


@router.post("/admin/papers/{paper_id:path}/{action}", include_in_schema=False)
def moderate_paper(request: Request, community: CommunityDep, user: LoggedIn, paper_id: str, action: str) -> Response:
    community.moderation.set_paper_hidden(user, paper_id, _flag(action))
    return flash(request, redirect("/admin"), f"Paper {paper_id} {DONE[action]}.")


@router.post("/admin/comments/{comment_id}/{action}", include_in_schema=False)
def moderate_comment(
    request: Request, community: CommunityDep, user: LoggedIn, comment_id: int, action: str
) -> Response:
    paper_id = community.moderation.set_comment_hidden(user, comment_id, _flag(action))
    return flash(request, redirect(f"/discuss/{paper_id}"), f"Comment {DONE[action]}.")


@router.post("/admin/users/{user_id}/{action}", include_in_schema=False)
def moderate_user(request: Request, community: CommunityDep, user: LoggedIn, user_id: int, action: str) -> Response:
    community.moderation.set_banned(user, user_id, _flag(action))
    return flash(request, redirect(f"/users/{user_id}"), f"User {DONE[action]}.")


@router.post("/admin/reports/{report_id}/resolve", include_in_schema=False)
def resolve_report(request: Request, community: CommunityDep, user: LoggedIn, report_id: int) -> Response:
    community.moderation.resolve(user, report_id)
    return flash(request, redirect("/admin"), "Report resolved.")


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


class HfSubmission(BaseModel):
    """Hugging Face's POST /api/papers/submit body."""

    paper_id: str = Field(
        min_length=1,
        max_length=300,
        description="arXiv id or arxiv.org URL",
        json_schema_extra={"pattern": SUBMISSION_PATTERN},  # published; the service checks it with its own message
    )
    comment: str | None = Field(None, max_length=1000, description="shown with the submission")


class HfIndexRequest(BaseModel):
    """Hugging Face's POST /api/papers/index body."""

    arxivId: str = Field(min_length=1, max_length=300, json_schema_extra={"pattern": SUBMISSION_PATTERN})


class IndexPublic(BaseModel):
    ok: bool = True
    paper_id: str
    url: str
    indexed: bool = Field(description="false when the paper was already here")


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


def viewer_voted(request: Request, paper_id: str, page_ids: list[str] | None = None) -> bool:
    """Has the logged-in viewer upvoted this paper? One query per page: a list passes all its ids
    (`page_ids`) on the first call and later cards read the answer from the request state."""
    user = get_auth(request).user
    if user is None:
        return False
    known: dict[str, bool] = getattr(request.state, "viewer_votes", None) or {}
    if paper_id not in known:
        ids = list(dict.fromkeys([paper_id, *(page_ids or [])]))
        with read_only(services_of(request).engine) as conn:
            voted = voted_ids(conn, user.id, ids)
        known.update({pid: pid in voted for pid in ids})
        request.state.viewer_votes = known
    return known[paper_id]


@router.post("/api/papers/submit", name="api.papers.submit", response_model=SubmissionPublic)
def api_hf_submit(request: Request, community: CommunityDep, user: ApiUser, body: HfSubmission) -> SubmissionPublic:
    """Hugging Face's route: put a paper on today's daily list, with an optional comment."""
    paper_id = community.submissions.submit(user, body.paper_id, body.comment)
    return SubmissionPublic(paper_id=paper_id, url=paper_path(paper_id))


@router.post("/api/papers/index", name="api.papers.index", response_model=IndexPublic)
def api_hf_index(request: Request, community: CommunityDep, user: ApiUser, body: HfIndexRequest) -> IndexPublic:
    """Hugging Face's route: fetch a paper from arXiv and give it a page here (no daily-list entry)."""
    paper_id, indexed = community.submissions.index(body.arxivId, _who(user, request))
    return IndexPublic(paper_id=paper_id, url=paper_path(paper_id), indexed=indexed)


def install_template_globals(env: Any) -> None:
    """Let pages rendered by other views show real upvote and comment forms.

    Call once on the Jinja environment (web/templating.py: `make_templates`). Adds `community_auth(request)`
    (the viewer and CSRF token; one query per request, only with a session cookie),
    `viewer_voted(request, paper_id, page_ids)` (one query per page, only when logged in) and
    `community_comments(request, paper_id)` (the discussion of one paper, for the paper page).
    """
    env.globals["community_auth"] = get_auth
    env.globals["viewer_voted"] = viewer_voted
    env.globals["community_comments"] = lambda request, paper_id: discussion_context(
        request, get_auth(request), paper_id, request.query_params.get("sort", "best")
    )["community"]
