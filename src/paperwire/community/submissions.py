"""Submit a paper to today's daily list by arXiv id or URL.

Only a canonical arXiv id ever leaves this module: metadata comes from the database, else from the
configured arXiv API host (settings.arxiv_api_url) via the polite client, so user input can never
choose which host is contacted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Engine

from paperwire.community import ratelimit
from paperwire.community._common import require_active, utcnow
from paperwire.config import Settings
from paperwire.domain.links import github_name
from paperwire.domain.papers import PaperRecord, parse_arxiv_id
from paperwire.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UpstreamUnavailable
from paperwire.storage import submissions as repo
from paperwire.storage.db import read_only
from paperwire.storage.papers import first_appeared, upsert_papers
from paperwire.storage.users import User

log = logging.getLogger(__name__)
Fetcher = Callable[[str], PaperRecord | None]
MAX_COMMENT_CHARS = 1000
UNREACHABLE = "arXiv did not answer just now, so {id} could not be fetched; please try again in a few minutes."


def arxiv_fetcher(settings: Settings, engine: Engine | None = None, *, interactive: bool = False) -> Fetcher:
    """Fetch one paper by id from settings.arxiv_api_url (and nowhere else), spaced with every other
    arXiv request of the process (and, on PostgreSQL, of every process on the database). Interactive
    fetches (someone is waiting) try once with a short timeout and fail with a plain sentence."""
    from paperwire.ingest.api import fetch_ids
    from paperwire.ingest.http import ArxivHttpClient
    from paperwire.storage.spacing import shared_spacing

    spacing = shared_spacing(engine) if engine is not None else None

    if interactive:
        timeout = settings.arxiv_interactive_timeout_s
        settings = replace(settings, http_retries=0, http_timeout_s=timeout, http_deadline_s=timeout)

    def fetch(arxiv_id: str) -> PaperRecord | None:
        try:
            return _fetch(arxiv_id)
        except UpstreamUnavailable as error:
            log.warning("submissions.arxiv_unavailable", extra={"paper": arxiv_id, "reason": str(error)})
            raise UpstreamUnavailable(UNREACHABLE.format(id=arxiv_id)) from None

    def _fetch(arxiv_id: str) -> PaperRecord | None:
        with ArxivHttpClient(settings, spacing=spacing) as client:
            for page in fetch_ids(client, [arxiv_id]):
                for item in page.records:
                    if item.record is not None and item.record.id == arxiv_id:
                        return item.record
        return None

    return fetch


def limits(settings: Settings) -> dict[str, object]:
    """The rules, as the submit page shows them."""
    return {
        "per_day": settings.submissions_per_user_per_day,
        "max_age_days": settings.submission_max_paper_age_days,
        "verified_email": settings.submission_requires_verified_email,
    }


@dataclass
class SubmissionService:
    engine: Engine
    settings: Settings
    fetch: Fetcher

    def _check_user(self, user: User, today: date) -> None:
        require_active(user)
        if self.settings.submission_requires_verified_email and not user.email_verified:
            raise PermissionDenied("Please confirm your e-mail address before submitting papers.")
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"submit:user:{user.id}", self.settings.submissions_per_hour, 3600, utcnow())
            if repo.count_on(conn, user.id, today) >= self.settings.submissions_per_user_per_day:
                raise PermissionDenied(f"You can submit {self.settings.submissions_per_user_per_day} papers a day.")

    def _ensure_paper(self, arxiv_id: str) -> date | None:
        """Store the paper if it is new; returns the day it first appeared (see `first_appeared`)."""
        with read_only(self.engine) as conn:
            found = first_appeared(conn, arxiv_id)
        if found is not None:
            return found[0]
        record = self.fetch(arxiv_id)
        if record is None:
            raise NotFound(f"arXiv has no paper {arxiv_id}.")
        with self.engine.begin() as conn:
            upsert_papers(conn, [record])
            found = first_appeared(conn, arxiv_id)
        return found[0] if found else None

    def check_age(self, appeared: date | None, today: date) -> None:
        """The age rule, for every paper: by its first version or announcement, whichever is earlier."""
        days = self.settings.submission_max_paper_age_days
        if appeared is None:
            raise InvalidInput("This paper has no known first-version or announcement date; it cannot be submitted.")
        if appeared < today - timedelta(days=days):
            raise InvalidInput(
                f"Only papers from the last {days} days: this one first appeared on {appeared.isoformat()}."
            )

    def submit(self, user: User, text: str, comment: str | None = None) -> str:
        """Put the paper on today's list, with the submitter's optional comment; returns its id."""
        arxiv_id = _arxiv_id(text)
        note = " ".join((comment or "").split()) or None
        if note and len(note) > MAX_COMMENT_CHARS:
            raise InvalidInput(f"comment: at most {MAX_COMMENT_CHARS} characters, got {len(note)}")
        now = utcnow()
        self._check_user(user, now.date())
        self.check_age(self._ensure_paper(arxiv_id), now.date())
        with self.engine.begin() as conn:
            hidden = repo.is_hidden(conn, arxiv_id)
            if hidden or not repo.insert_submission(conn, arxiv_id, user.id, now.date(), now, note):
                raise Conflict(f"{arxiv_id} has already been submitted.")
            repo.mark_submitted(conn, arxiv_id, now.date(), now)
        return arxiv_id

    def set_links(self, user: User, paper_id: str, github_repo: str | None, project_page: str | None) -> None:
        """The paper's submitter or an admin sets its GitHub repository and project page."""
        require_active(user)
        repo_url = _link(github_repo, "github_repo", github=True)
        page_url = _link(project_page, "project_page")
        with self.engine.begin() as conn:
            if first_appeared(conn, paper_id) is None:
                raise NotFound(f"no paper {paper_id!r}")
            if not user.is_admin and repo.submitter_of(conn, paper_id) != user.id:
                raise PermissionDenied("Only the paper's submitter or an admin can change its links.")
            repo.set_links(conn, paper_id, repo_url, page_url, utcnow())

    def index(self, text: str, who: str) -> tuple[str, bool]:
        """Fetch an unknown paper from arXiv and store it (no submission, no age rule): (id, newly
        stored). `who` ('user:7' or 'ip:...') is rate-limited to settings.papers_indexed_per_hour."""
        arxiv_id = _arxiv_id(text)
        with read_only(self.engine) as conn:
            if first_appeared(conn, arxiv_id) is not None:
                return arxiv_id, False
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"index:{who}", self.settings.papers_indexed_per_hour, 3600, utcnow())
        record = self.fetch(arxiv_id)
        if record is None:
            raise NotFound(f"arXiv has no paper {arxiv_id}.")
        with self.engine.begin() as conn:
            upsert_papers(conn, [record])
        return arxiv_id, True


def _link(value: str | None, name: str, github: bool = False) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    if len(url) > 500 or not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
        raise InvalidInput(f"{name}: expected an http(s) URL of at most 500 characters")
    if github and github_name(url) is None:
        raise InvalidInput(f"{name}: expected a repository URL like https://github.com/owner/name")
    return url


def _arxiv_id(text: str) -> str:
    try:
        return parse_arxiv_id(text.strip()).id
    except ValueError:
        raise InvalidInput("Please give an arXiv id (2401.12345) or an arxiv.org/abs/ URL.") from None
