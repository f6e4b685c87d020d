"""Upvotes: one per user and paper, counted exactly, rate-limited, weightless from young accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from paperwire.community import ratelimit
from paperwire.community._common import account_age, require_active, require_visible_paper, utcnow
from paperwire.config import Settings
from paperwire.errors import PermissionDenied
from paperwire.storage import submissions as submissions_repo
from paperwire.storage import votes as repo
from paperwire.storage.users import User

UNVERIFIED = "Please confirm your e-mail address before voting (we sent you a link; /account can send another)."


@dataclass(frozen=True)
class VoteResult:
    paper_id: str
    voted: bool
    upvotes: int
    changed: bool  # false when the vote (or its absence) was already there


@dataclass
class VoteService:
    engine: Engine
    settings: Settings

    def upvote(self, user: User, paper_id: str) -> VoteResult:
        """Record the vote. It counts (papers.upvotes) unless the voter submitted the paper; it carries
        trending weight only if it counts and the account is old enough (PAPERWIRE_MIN_ACCOUNT_AGE_HOURS_FOR_TRENDING).
        Accounts with an unconfirmed address cannot vote (PAPERWIRE_VOTES_REQUIRE_VERIFIED_EMAIL)."""
        require_active(user)
        if self.settings.votes_require_verified_email and not user.email_verified:
            raise PermissionDenied(UNVERIFIED)
        now = utcnow()
        old_enough = account_age(user, now) >= timedelta(hours=self.settings.min_account_age_hours_for_trending)
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            ratelimit.hit(conn, f"vote:user:{user.id}", self.settings.votes_per_minute, 60, now)
            counted = submissions_repo.submitter_of(conn, paper_id) != user.id
            changed = repo.add_vote(conn, user.id, paper_id, now, weighted=counted and old_enough, counted=counted)
            return VoteResult(paper_id, True, repo.upvote_count(conn, paper_id), changed)

    def unvote(self, user: User, paper_id: str) -> VoteResult:
        require_active(user)
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            ratelimit.hit(conn, f"vote:user:{user.id}", self.settings.votes_per_minute, 60, utcnow())
            changed = repo.remove_vote(conn, user.id, paper_id)
            return VoteResult(paper_id, False, repo.upvote_count(conn, paper_id), changed)
