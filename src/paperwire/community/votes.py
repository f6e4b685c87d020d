"""Upvotes: one per user and paper, counted exactly, rate-limited, weightless from young accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from paperwire.community import ratelimit
from paperwire.community._common import account_age, require_active, require_visible_paper, utcnow
from paperwire.config import Settings
from paperwire.storage import votes as repo
from paperwire.storage.users import User


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
        require_active(user)
        now = utcnow()
        weighted = account_age(user, now) >= timedelta(hours=self.settings.min_account_age_hours_for_trending)
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            ratelimit.hit(conn, f"vote:user:{user.id}", self.settings.votes_per_minute, 60, now)
            changed = repo.add_vote(conn, user.id, paper_id, now, weighted)
            return VoteResult(paper_id, True, repo.upvote_count(conn, paper_id), changed)

    def unvote(self, user: User, paper_id: str) -> VoteResult:
        require_active(user)
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            ratelimit.hit(conn, f"vote:user:{user.id}", self.settings.votes_per_minute, 60, utcnow())
            changed = repo.remove_vote(conn, user.id, paper_id)
            return VoteResult(paper_id, False, repo.upvote_count(conn, paper_id), changed)
