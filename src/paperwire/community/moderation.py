"""Moderation: hide papers and comments, ban users (their votes stop counting), handle reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from paperwire.community._common import require_admin, utcnow
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import claims as claims_repo
from paperwire.storage import comments as comments_repo
from paperwire.storage import reader
from paperwire.storage import submissions as papers_repo
from paperwire.storage import users as users_repo
from paperwire.storage import votes as votes_repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User


@dataclass
class ModerationService:
    engine: Engine

    def set_paper_hidden(self, admin: User, paper_id: str, hidden: bool) -> None:
        require_admin(admin)
        with self.engine.begin() as conn:
            if reader.paper_by_id(conn, paper_id) is None:
                raise NotFound(f"no paper {paper_id!r}")
            if hidden:
                papers_repo.hide_paper(conn, paper_id, admin.id, utcnow())
            else:
                papers_repo.unhide_paper(conn, paper_id)

    def set_comment_hidden(self, admin: User, comment_id: int, hidden: bool) -> str:
        require_admin(admin)
        with self.engine.begin() as conn:
            comment = comments_repo.get_comment(conn, comment_id)
            if comment is None:
                raise NotFound("No such comment.")
            comments_repo.update_comment(conn, comment_id, hidden_at=utcnow() if hidden else None)
            return str(comment["paper_id"])

    def set_banned(self, admin: User, user_id: int, banned: bool) -> int:
        """Ban or unban; returns how many of the user's votes stopped or resumed counting."""
        require_admin(admin)
        if user_id == admin.id:
            raise InvalidInput("Administrators cannot ban themselves.")
        with self.engine.begin() as conn:
            if users_repo.get_user(conn, user_id) is None:
                raise NotFound("No such user.")
            return apply_ban(conn, user_id, banned)

    def reports(self, admin: User) -> list[dict[str, Any]]:
        require_admin(admin)
        with read_only(self.engine) as conn:
            return comments_repo.open_reports(conn)

    def resolve(self, admin: User, report_id: int) -> None:
        require_admin(admin)
        with self.engine.begin() as conn:
            comments_repo.resolve_report(conn, report_id, utcnow())


def apply_ban(conn: Connection, user_id: int, banned: bool) -> int:
    """What a ban is (admin page and `paperwire users ban` alike): the flag, no sessions, votes not counted.
    Returns how many of the user's votes stopped or resumed counting."""
    users_repo.update_user(conn, user_id, is_banned=banned)
    if banned:
        users_repo.delete_sessions_of(conn, user_id)
    return votes_repo.set_counted(conn, user_id, counted=not banned)


def profile(engine: Engine, user_id: int) -> dict[str, Any]:
    """A public profile: name, bio, submissions, upvoted papers, comments."""
    with read_only(engine) as conn:
        user = users_repo.get_user(conn, user_id)
        if user is None:
            raise NotFound("No such user.")
        return {
            "user": user,
            "submissions": papers_repo.submissions_by_user(conn, user_id),
            "upvoted": votes_repo.voted_papers(conn, user_id),
            "comments": comments_repo.comments_by_user(conn, user_id),
            "claims": claims_repo.of_user(conn, user_id),
        }
