"""Response models of the JSON read API, for /openapi.json (and tests that validate real answers).

The endpoints render their JSON directly from the page builders (one shape function per page, cached
with the page); these models describe that JSON field by field. tests/functional/test_api_schema.py
validates real answers against them, so the two cannot drift apart.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class UserPublic(_Model):
    """Hugging Face's user object (`submittedBy`, `submittedOnDailyBy`, `authors[].user`)."""

    id: str = Field(alias="_id")
    avatarUrl: str
    fullname: str
    user: str = Field(description="the username (paperwire: display name slug + id); `?submitter=` takes it")
    isPro: bool
    type: str


class AuthorPublic(_Model):
    id: str = Field(alias="_id", description="stable per author entry of the paper")
    name: str
    hidden: bool
    user: UserPublic | None = Field(None, description="the account whose authorship claim an admin approved")
    status: str | None = Field(None, description="`claimed_verified` once a claim is approved")
    statusLastChangedAt: str | None = None


class VersionPublic(_Model):
    version: int
    submitted: str | None


class PaperPublic(_Model):
    """Hugging Face's `paper` object, then paperwire's extras."""

    id: str
    authors: list[AuthorPublic]
    mediaUrls: list[str]
    publishedAt: str | None = Field(
        description="first version (else announcement), ISO 8601; midnight when no time is known"
    )
    title: str
    summary: str = Field(description="the abstract, LaTeX kept")
    upvotes: int
    discussionId: str = Field(description="the discussion: /discuss/{discussionId}")
    ai_summary: str | None = Field(description="one sentence of the abstract, chosen locally (see ai_summary_model)")
    ai_keywords: list[str]
    ai_summary_model: str | None = Field(None, description="how ai_summary and ai_keywords were made")
    githubRepo: str | None
    githubStars: int | None = Field(description="as last fetched from GitHub; null until fetched")
    projectPage: str | None
    organization: None = Field(description="always null: paperwire has no organizations")
    categories: list[str]
    announcedAt: str | None
    url: str
    absUrl: str | None
    pdfUrl: str | None
    submittedOnDailyAt: str | None = Field(None, description="only for papers submitted to the daily list")
    submittedOnDailyBy: UserPublic | None = None


class TrendingWhy(_Model):
    """Each term of the trending formula (docs/community.md) for one paper."""

    votes: float = Field(description="upvotes that carry weight: imported plus verified, old-enough accounts")
    comments: float = Field(description="visible comments")
    age_hours: float
    vote_points: float
    comment_points: float
    decay: float
    gravity: float
    score: float
    formula: str


class DailyItem(_Model):
    """One entry of /api/daily_papers and of every other list."""

    paper: PaperPublic
    publishedAt: str | None = Field(description="the day the paper joined the list (submitted, else announced)")
    title: str
    summary: str
    thumbnail: str | None
    mediaUrls: list[str]
    numComments: int = Field(description="visible comments (hidden and deleted ones are not counted)")
    isAuthorParticipating: bool = Field(description="an author of the paper has an approved claim")
    organization: None
    ai_summary: str | None = Field(description="as in `paper` (huggingface_hub reads it here)")
    ai_keywords: list[str]
    githubRepo: str | None
    githubStars: int | None
    projectPage: str | None
    submittedBy: UserPublic | None = None
    score: float | None = Field(None, description="search relevance or trending score")
    trending: TrendingWhy | None = Field(None, description="why the paper trends (trending lists only)")


class PaperDetail(PaperPublic):
    versions: list[VersionPublic]
    comment: str | None
    journalRef: str | None
    doi: str | None
    numComments: int
    similarUrl: str


class SimilarPublic(_Model):
    id: str
    title: str
    score: float
    url: str
    shared_terms: list[str]


class ClaimedBy(_Model):
    user_id: int
    display_name: str
    url: str


class AuthorPage(_Model):
    name: str
    total: int
    page: int
    has_next: bool
    papers: list[DailyItem]
    claimed_by: list[ClaimedBy] = Field(description="accounts whose claim to be this author an admin approved")


class CategoryInfo(_Model):
    id: str
    archive: str | None
    papers: int


class CategoryPage(_Model):
    category: str | None
    info: CategoryInfo
    page: int
    has_next: bool
    papers: list[DailyItem]


class ChangesPage(_Model):
    papers: list[PaperPublic]
    next_cursor: str | None


class ErrorPublic(_Model):
    """The one error shape: every 4xx and 5xx answer of /api (and of .json/.md twins)."""

    ok: bool = False
    error: str
    status: int
