"""The community services as one typed bundle: accounts, votes, comments, submissions, moderation,
authorship claims and the personal library (follows, saves, collections)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from paperwire.community.accounts import AccountService
from paperwire.community.claims import ClaimService
from paperwire.community.comments import CommentService
from paperwire.community.library import LibraryService
from paperwire.community.moderation import ModerationService
from paperwire.community.submissions import Fetcher, SubmissionService, arxiv_fetcher
from paperwire.community.votes import VoteService
from paperwire.config import Settings


@dataclass(frozen=True)
class Community:
    accounts: AccountService
    votes: VoteService
    comments: CommentService
    submissions: SubmissionService
    moderation: ModerationService
    claims: ClaimService
    library: LibraryService


def build_community(engine: Engine, settings: Settings, fetch: Fetcher | None = None) -> Community:
    """`fetch` gets one arXiv record by id; by default through the polite client at settings.arxiv_api_url."""
    submissions = SubmissionService(engine, settings, fetch or arxiv_fetcher(settings, engine, interactive=True))
    return Community(
        accounts=AccountService(engine, settings),
        votes=VoteService(engine, settings),
        comments=CommentService(engine, settings),
        submissions=submissions,
        moderation=ModerationService(engine),
        claims=ClaimService(engine),
        library=LibraryService(engine, settings, submissions.index),
    )
