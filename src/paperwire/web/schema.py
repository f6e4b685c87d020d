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
    match: bool | None = Field(
        None,
        description="search only: true for a match (it passed the relevance floor); false for a loosely related "
        "paper listed after the matches only when there are none",
    )


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
    shared_terms: list[str] = Field(
        description="meaningful words both papers hold (no LaTeX commands, numbers or tokens under 3 letters)"
    )
    mainly_semantic: bool = Field(description="true when fewer than 2 words are shared: the link is the embedding's")


class ClaimedBy(_Model):
    user_id: int
    display_name: str
    url: str


class ChartPoint(_Model):
    """One bar of a page's chart (the HTML page draws it; the table beside it lists the same numbers)."""

    label: str
    value: int


class AuthorPage(_Model):
    name: str
    spellings: list[str] = Field(
        description="the stored spellings of this author merged on this page, the shown one first"
    )
    total: int
    page: int
    has_next: bool
    papers: list[DailyItem]
    claimed_by: list[ClaimedBy] = Field(description="accounts whose claim to be this author an admin approved")
    papers_per_month: list[ChartPoint] = Field(description="{label: YYYY-MM, value: papers}, every month")


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
    papers_per_day: list[ChartPoint] = Field(description="{label: YYYY-MM-DD, value: papers}, the last 30 days")


class ChangesPage(_Model):
    papers: list[PaperPublic]
    next_cursor: str | None


class ErrorPublic(_Model):
    """The one error shape: every 4xx and 5xx answer of /api (and of .json/.md twins)."""

    ok: bool = False
    error: str
    status: int


class SearchResults(_Model):
    """One page of a search: matches only, and the nearest papers apart when nothing matches."""

    query: str
    mode: str = Field(description="hybrid | lexical | semantic")
    sort: str = Field(description="relevance | date | upvotes; date and upvotes order the matches")
    total: int = Field(description="matches: papers that pass the relevance floor (docs/search.md), all pages")
    page: int
    pages: int
    results: list[DailyItem] = Field(description="this page's matches, each with `score` and match=true")
    looselyRelated: list[DailyItem] = Field(
        description="only when total is 0: up to 3 nearest papers under the floor (match=false), not results"
    )
    suggestions: list[str] = Field(description="only when total is 0: the query respelt from the index vocabulary")


class ForYouItem(_Model):
    id: str
    title: str
    authors: list[str]
    categories: list[str]
    published: str | None
    announced: str | None
    url: str
    abs_url: str | None
    why: str = Field(description='why it is here: "close to <a saved paper>", "by <an author you follow>", ...')
    score: float = Field(description="the For You score (higher first); comparable within one response only")


class ForYouPage(_Model):
    items: list[ForYouItem]
    cold: bool = Field(description="true when there is nothing to learn from yet (save, upvote or follow first)")


class HealthDatabase(_Model):
    ok: bool = Field(description="the database answered a trivial query")
    backend: str = Field(description="sqlite | postgresql")
    seconds: float | None = Field(description="how long the query took; null when it failed")
    error: str | None = Field(description="why it failed (the exception class, or the deadline)")


class HealthLag(_Model):
    papers: int = Field(description="papers changed in the database (seq above the index's) not yet in the index")
    seconds: float = Field(description="since this process's index last reflected every paper; 0 when it does")


class HealthIndex(_Model):
    present: bool = Field(description="this process has a search index")
    seq: int | None = Field(description="the newest papers.seq the index reflects")
    papers: int | None = Field(description="papers in the index")
    database_seq: int | None = Field(description="the database's newest papers.seq; null when it does not answer")
    lag: HealthLag | None = Field(description="how far behind the index is; null when the database does not answer")
    refresh_s: float = Field(description="PAPERWIRE_INDEX_REFRESH_S: the index catches up this often (0: off)")
    error: str | None = Field(description="why the index cannot be read (a corrupt one), else null")


class HealthMap(_Model):
    present: bool = Field(description="a topic map is published")


class HealthReport(_Model):
    """GET /healthz and /api/health: 200 while the database answers, 503 (ok=false, error, status, as in
    the error shape) when it does not."""

    ok: bool
    status: int
    error: str | None
    version: str
    database: HealthDatabase
    index: HealthIndex
    map: HealthMap
