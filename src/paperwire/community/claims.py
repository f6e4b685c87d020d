"""Claim authorship: a logged-in user claims one author of a paper; an admin approves or rejects it.

An approved claim links the account to the author: the paper's API shows `status: claimed_verified`
and the user (as Hugging Face does), the author page and the user's profile show a badge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from paperwire.community._common import require_active, require_admin, utcnow
from paperwire.errors import Conflict, InvalidInput, NotFound
from paperwire.storage import claims as repo
from paperwire.storage import reader
from paperwire.storage.db import read_only
from paperwire.storage.users import User

DECISIONS = {"approve": repo.CLAIMED, "reject": repo.REJECTED}


@dataclass
class ClaimService:
    engine: Engine

    def claim(self, user: User, paper_id: str, author: str) -> int:
        """Record a pending claim; returns nothing useful to the caller beyond success."""
        require_active(user)
        with self.engine.begin() as conn:
            if reader.paper_by_id(conn, paper_id) is None:
                raise NotFound(f"no paper {paper_id!r}")
            author_id = repo.author_of_paper(conn, paper_id, author)
            if author_id is None:
                raise InvalidInput(f"{author[:80]!r} is not an author of {paper_id}.")
            if not repo.add_claim(conn, paper_id, author_id, user.id, utcnow()):
                raise Conflict(f"{author} on {paper_id} has already been claimed.")
            return author_id

    def decide(self, admin: User, claim_id: int, action: str) -> str:
        """Approve or reject; returns the claim's paper id."""
        require_admin(admin)
        if action not in DECISIONS:
            raise InvalidInput(f"action: expected approve or reject, got {action[:20]!r}")
        with self.engine.begin() as conn:
            claim = repo.get_claim(conn, claim_id)
            if claim is None:
                raise NotFound("No such claim.")
            repo.decide(conn, claim_id, DECISIONS[action], admin.id, utcnow())
            return str(claim["paper_id"])

    def pending(self, admin: User) -> list[dict[str, Any]]:
        require_admin(admin)
        with read_only(self.engine) as conn:
            return repo.pending(conn)
