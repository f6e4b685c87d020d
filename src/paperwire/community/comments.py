"""Comments: threaded, Markdown rendered once at write time and sanitised, ordered by Wilson bound or time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from paperwire.community import ratelimit
from paperwire.community._common import require_active, require_visible_paper, utcnow
from paperwire.community.markdown import MAX_LENGTH, render_markdown
from paperwire.config import Settings
from paperwire.domain.ranking import wilson_lower_bound
from paperwire.errors import InvalidInput, NotFound, PermissionDenied
from paperwire.storage import comments as repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User

SORTS = ("best", "new", "old")
MAX_DEPTH = 8


@dataclass
class CommentNode:
    row: dict[str, Any]
    children: list[CommentNode] = field(default_factory=list)
    depth: int = 0

    @property
    def score(self) -> float:
        return wilson_lower_bound(self.row["upvotes"], self.row["downvotes"])


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput("The comment is empty.")
    if len(body) > MAX_LENGTH:
        raise InvalidInput(f"Comments may have at most {MAX_LENGTH} characters.")
    return body


def build_tree(rows: list[dict[str, Any]], sort: str) -> list[CommentNode]:
    nodes = {row["id"]: CommentNode(row) for row in rows}
    roots: list[CommentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.row["parent_id"]) if node.row["parent_id"] else None
        (parent.children if parent else roots).append(node)
    _order(roots, sort, 0)
    return roots


def _order(nodes: list[CommentNode], sort: str, depth: int) -> None:
    if sort == "best":
        nodes.sort(key=lambda n: (-n.score, n.row["id"]))
    else:
        nodes.sort(key=lambda n: n.row["id"], reverse=sort == "new")
    for node in nodes:
        node.depth = depth
        _order(node.children, sort, min(depth + 1, MAX_DEPTH))


@dataclass
class CommentService:
    engine: Engine
    settings: Settings

    def _limit(self, conn: Any, user: User) -> None:
        ratelimit.hit(conn, f"comment:user:{user.id}", self.settings.comments_per_hour, 3600, utcnow())

    def add(self, user: User, paper_id: str, body: str, parent_id: int | None = None) -> int:
        require_active(user)
        body = _check_body(body)
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            if parent_id is not None:
                parent = repo.get_comment(conn, parent_id)
                if parent is None or parent["paper_id"] != paper_id:
                    raise InvalidInput("You can only reply to a comment on the same paper.")
            self._limit(conn, user)
            return repo.insert_comment(
                conn,
                paper_id=paper_id,
                user_id=user.id,
                parent_id=parent_id,
                body_md=body,
                body_html=render_markdown(body),
                upvotes=0,
                downvotes=0,
                created_at=utcnow(),
            )

    def _own(self, conn: Any, user: User, comment_id: int) -> dict[str, Any]:
        comment = repo.get_comment(conn, comment_id)
        if comment is None or comment["deleted_at"] is not None:
            raise NotFound("No such comment.")
        if comment["user_id"] != user.id:
            raise PermissionDenied("You can only change your own comments.")
        return comment

    def edit(self, user: User, comment_id: int, body: str) -> str:
        require_active(user)
        body = _check_body(body)
        with self.engine.begin() as conn:
            comment = self._own(conn, user, comment_id)
            self._limit(conn, user)
            repo.update_comment(conn, comment_id, body_md=body, body_html=render_markdown(body), edited_at=utcnow())
            return str(comment["paper_id"])

    def delete(self, user: User, comment_id: int) -> str:
        with self.engine.begin() as conn:
            comment = self._own(conn, user, comment_id)
            repo.update_comment(conn, comment_id, deleted_at=utcnow(), body_md="", body_html="")
            return str(comment["paper_id"])

    def vote(self, user: User, comment_id: int, value: int) -> str:
        require_active(user)
        if value not in (-1, 0, 1):
            raise InvalidInput("A comment vote is +1, -1 or 0.")
        with self.engine.begin() as conn:
            comment = repo.get_comment(conn, comment_id)
            if comment is None or comment["deleted_at"] or comment["hidden_at"]:
                raise NotFound("No such comment.")
            ratelimit.hit(conn, f"vote:user:{user.id}", self.settings.votes_per_minute, 60, utcnow())
            repo.set_comment_vote(conn, user.id, comment_id, value)
            return str(comment["paper_id"])

    def report(self, user: User, kind: str, target_id: str, reason: str) -> None:
        require_active(user)
        reason = reason.strip()[:2000] or "(no reason given)"
        with self.engine.begin() as conn:
            self._limit(conn, user)
            repo.insert_report(
                conn,
                reporter_id=user.id,
                target_kind=kind,
                target_id=target_id,
                reason=reason,
                created_at=utcnow(),
            )

    def thread(self, paper_id: str, sort: str = "best", viewer: User | None = None) -> dict[str, Any]:
        sort = sort if sort in SORTS else "best"
        with read_only(self.engine) as conn:
            rows = repo.thread_rows(conn, paper_id)
            mine = repo.my_comment_votes(conn, viewer.id, paper_id) if viewer else {}
            visible = repo.comment_counts(conn, [paper_id]).get(paper_id, 0)
        show_hidden = bool(viewer and viewer.is_admin)
        rows = [r for r in rows if show_hidden or not r["hidden_at"]]
        return {"tree": build_tree(rows, sort), "count": visible, "sort": sort, "my_votes": mine}
