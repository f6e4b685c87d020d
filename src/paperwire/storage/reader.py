"""Reading papers: the one typed row (`PaperRow`) and every query that returns papers by id or in lists.

Search, digests, feeds, trending and the pages all read papers through here. List queries read the
denormalised columns (authors_text, categories_text) so a list page stays at a few indexed queries;
papers hidden by a moderator never leave this module in a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, and_, func, or_, select

from paperwire.domain.papers import author_key, is_author_variant, normalize_author
from paperwire.storage.community_tables import comments, hidden_papers, submissions, users, votes
from paperwire.storage.papers import chunked, split_authors
from paperwire.storage.tables import authors, categories, paper_authors, paper_categories, papers

COLUMNS = (
    papers.c.id,
    papers.c.title,
    papers.c.abstract,
    papers.c.authors_text,
    papers.c.categories_text,
    papers.c.primary_category,
    papers.c.published,
    papers.c.updated,
    papers.c.announced,
    papers.c.submitted_on,
    papers.c.upvotes,
    papers.c.imported_upvotes,
    papers.c.code_links,
    papers.c.version,
    papers.c.comment,
    papers.c.journal_ref,
    papers.c.doi,
    papers.c.license,
    papers.c.updated_at,
    papers.c.seq,
    papers.c.imported_submitter,
    papers.c.imported_comments,
    papers.c.github_repo,
    papers.c.project_page,
    papers.c.published_at,
    papers.c.submitted_at,
    papers.c.ai_keywords,
    papers.c.ai_summary,
)
# The day a paper joined a daily list: submitted to it, else announced, else first published.
LISTED = func.coalesce(papers.c.submitted_on, papers.c.announced, papers.c.published)


class _Dates:
    published: date | None
    announced: date | None
    submitted_on: date | None

    @property
    def listed(self) -> date | None:
        """The day the paper joined a daily list: submitted to it, else announced, else first published."""
        return self.submitted_on or self.announced or self.published

    @property
    def day(self) -> date | None:
        """The listing day shown on cards and used by date sorts: announced, else submitted, else published."""
        return self.announced or self.submitted_on or self.published


@dataclass(frozen=True)
class PaperRow(_Dates):
    id: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    primary_category: str | None
    published: date | None
    updated: date | None
    announced: date | None
    submitted_on: date | None
    upvotes: int
    imported_upvotes: int
    code_links: tuple[str, ...]
    version: int
    comment: str | None
    journal_ref: str | None
    doi: str | None
    license: str | None
    updated_at: datetime | None
    seq: int
    imported_submitter: dict[str, Any] | None = None  # Hugging Face's user object, from an import
    imported_comments: int = 0
    github_repo: str | None = None
    project_page: str | None = None
    published_at: datetime | None = None
    submitted_at: datetime | None = None
    ai_keywords: tuple[str, ...] = ()
    ai_summary: str | None = None


@dataclass(frozen=True)
class PaperStub(_Dates):
    """The few columns that decide a list's order and its category chips (no abstract)."""

    id: str
    categories: tuple[str, ...]
    imported_upvotes: int
    published: date | None
    announced: date | None
    submitted_on: date | None


STUB_COLUMNS = (
    papers.c.id,
    papers.c.categories_text,
    papers.c.imported_upvotes,
    papers.c.published,
    papers.c.announced,
    papers.c.submitted_on,
)


def _row(values: RowMapping) -> PaperRow:
    return PaperRow(
        id=values["id"],
        title=values["title"] or "",
        abstract=values["abstract"] or "",
        authors=tuple(split_authors(values["authors_text"])),
        categories=tuple((values["categories_text"] or "").split()),
        primary_category=values["primary_category"],
        published=values["published"],
        updated=values["updated"],
        announced=values["announced"],
        submitted_on=values["submitted_on"],
        upvotes=int(values["upvotes"] or 0),
        imported_upvotes=int(values["imported_upvotes"] or 0),
        code_links=tuple(values["code_links"] or ()),
        version=int(values["version"] or 1),
        comment=values["comment"],
        journal_ref=values["journal_ref"],
        doi=values["doi"],
        license=values["license"],
        updated_at=values["updated_at"],
        seq=int(values["seq"] or 0),
        imported_submitter=values["imported_submitter"] or None,
        imported_comments=int(values["imported_comments"] or 0),
        github_repo=values["github_repo"],
        project_page=values["project_page"],
        published_at=values["published_at"],
        submitted_at=values["submitted_at"],
        ai_keywords=tuple(values["ai_keywords"] or ()),
        ai_summary=values["ai_summary"],
    )


def _rows(conn: Connection, query: Select[Any]) -> list[PaperRow]:
    return [_row(values) for values in conn.execute(query).mappings()]


def visible() -> ColumnElement[bool]:
    """Not hidden by a moderator."""
    return papers.c.id.not_in(select(hidden_papers.c.paper_id))


# by id


def papers_by_id(conn: Connection, ids: Sequence[str], *, visible_only: bool = False) -> dict[str, PaperRow]:
    """These papers keyed by id; unknown ids are left out, and hidden ones too when `visible_only`
    (search results; the digest ledger reads what it already chose)."""
    found: dict[str, PaperRow] = {}
    for part in chunked(list(dict.fromkeys(ids))):
        query = select(*COLUMNS).where(papers.c.id.in_(part), *((visible(),) if visible_only else ()))
        found.update((row.id, row) for row in _rows(conn, query))
    return found


def visible_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Those of `ids` that exist and are not hidden."""
    found: set[str] = set()
    for part in chunked(list(dict.fromkeys(ids))):
        found.update(conn.execute(select(papers.c.id).where(papers.c.id.in_(part), visible())).scalars())
    return found


def papers_in_order(conn: Connection, ids: Sequence[str]) -> list[PaperRow]:
    found = papers_by_id(conn, ids)
    return [found[i] for i in ids if i in found]


def upvotes_of(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunked(list(ids)):
        query = select(papers.c.id, papers.c.upvotes).where(papers.c.id.in_(part))
        found.update((pid, int(n)) for pid, n in conn.execute(query))
    return found


def paper_by_id(conn: Connection, paper_id: str, *, visible_only: bool = False) -> PaperRow | None:
    """The paper, or None; None for a hidden one too when `visible_only` (in the same one query)."""
    query = select(*COLUMNS).where(papers.c.id == paper_id, *((visible(),) if visible_only else ()))
    rows = _rows(conn, query)
    return rows[0] if rows else None


def is_visible(conn: Connection, paper_id: str) -> bool:
    """The paper exists and is not hidden (one indexed query)."""
    hidden = select(hidden_papers.c.paper_id).where(hidden_papers.c.paper_id == papers.c.id)
    return conn.execute(select(papers.c.id).where(papers.c.id == paper_id, ~hidden.exists())).first() is not None


# lists


def _in_categories(cats: Sequence[str]) -> ColumnElement[bool]:
    inner = select(paper_categories.c.paper_id).where(paper_categories.c.category_id.in_(list(cats)))
    return papers.c.id.in_(inner)


def period_papers(conn: Connection, start: date, end: date, tracked: Sequence[str]) -> list[PaperStub]:
    """A period's daily list: announced in the tracked categories (all when empty), or submitted in it."""
    announced: ColumnElement[bool] = papers.c.announced.between(start, end)
    if tracked:
        announced = and_(announced, _in_categories(tracked))
    query = select(*STUB_COLUMNS).where(or_(announced, papers.c.submitted_on.between(start, end)), visible())
    return [
        PaperStub(
            id=values["id"],
            categories=tuple((values["categories_text"] or "").split()),
            imported_upvotes=int(values["imported_upvotes"] or 0),
            published=values["published"],
            announced=values["announced"],
            submitted_on=values["submitted_on"],
        )
        for values in conn.execute(query).mappings()
    ]


def neighbour_day(conn: Connection, day: date, tracked: Sequence[str], *, before: bool) -> date | None:
    """The nearest day before (or after) `day` that has a list: announcements or submissions."""
    pick = func.max if before else func.min
    announced: ColumnElement[bool] = papers.c.announced < day if before else papers.c.announced > day
    if tracked:
        announced = and_(announced, _in_categories(tracked))
    submitted = papers.c.submitted_on < day if before else papers.c.submitted_on > day
    first = conn.execute(select(pick(papers.c.announced)).where(announced)).scalar()
    second = conn.execute(select(pick(papers.c.submitted_on)).where(submitted)).scalar()
    days: list[date] = [d for d in (first, second) if d is not None]
    if not days:
        return None
    return max(days) if before else min(days)


def latest_day(conn: Connection, tracked: Sequence[str] = (), until: date | None = None) -> date | None:
    """The newest day with a list (on or before `until`, when given)."""
    return neighbour_day(conn, date.max if until is None else until + timedelta(days=1), tracked, before=True)


def trending_candidates(conn: Connection, since: date, until: date) -> list[PaperRow]:
    """Visible papers announced or submitted in [since, until] that have any vote or comment. Who of them
    trends, and in which order, is community.trending's (and domain.ranking's) call."""
    in_window = or_(papers.c.announced.between(since, until), papers.c.submitted_on.between(since, until))
    active = or_(papers.c.upvotes > 0, papers.c.id.in_(select(comments.c.paper_id)))
    return _rows(conn, select(*COLUMNS).where(in_window, active, visible()))


def listed_between(conn: Connection, since: date, until: date) -> list[PaperRow]:
    """Visible papers that joined a daily list in [since, until] (a digest edition's pool)."""
    return _rows(conn, select(*COLUMNS).where(LISTED.between(since, until), visible()).order_by(papers.c.id))


def newest_papers(conn: Connection, category: str | None, limit: int, offset: int) -> list[PaperRow]:
    query = select(*COLUMNS).where(papers.c.announced.is_not(None), visible())
    if category:
        query = query.where(_in_categories([category]))
    return _rows(conn, query.order_by(papers.c.announced.desc(), papers.c.id.desc()).limit(limit).offset(offset))


def author_papers(conn: Connection, author_ids: Sequence[int], limit: int, offset: int) -> tuple[int, list[PaperRow]]:
    """Papers by any of these authors (the spellings of one person), newest first, and how many there are."""
    owned = select(paper_authors.c.paper_id).where(paper_authors.c.author_id.in_(list(author_ids))).distinct()
    total = conn.execute(select(func.count()).select_from(owned.subquery())).scalar_one()
    query = (
        select(*COLUMNS)
        .where(papers.c.id.in_(owned), visible())
        .order_by(papers.c.announced.desc(), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return int(total), _rows(conn, query)


def changed_since(conn: Connection, cursor: int, limit: int) -> list[PaperRow]:
    """The change feed: papers in the order they were last added or changed (seq), after `cursor`."""
    return _rows(conn, select(*COLUMNS).where(papers.c.seq > cursor).order_by(papers.c.seq).limit(limit))


def papers_voted_by(conn: Connection, user_id: int, limit: int = 200) -> list[PaperRow]:
    """The papers a user upvoted, newest vote first."""
    query = (
        select(*COLUMNS)
        .join(votes, votes.c.paper_id == papers.c.id)
        .where(votes.c.user_id == user_id)
        .order_by(votes.c.created_at.desc())
        .limit(limit)
    )
    return _rows(conn, query)


def search_titles(conn: Connection, terms: Sequence[str], limit: int, offset: int) -> tuple[int, list[str]]:
    """A plain title match, used only when the search index is unavailable: (total, ids newest first)."""
    condition = and_(*(papers.c.title.ilike(f"%{_like_escape(t)}%", escape="\\") for t in terms), visible())
    total = conn.execute(select(func.count()).select_from(papers).where(condition)).scalar_one()
    query = (
        select(papers.c.id)
        .where(condition)
        .order_by(papers.c.announced.desc(), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return int(total), [pid for (pid,) in conn.execute(query)]


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# what lists show beside papers


def category_info(conn: Connection, category: str) -> dict[str, Any] | None:
    row = conn.execute(select(categories).where(categories.c.id == category)).mappings().first()
    if row is None:
        return None
    count = conn.execute(
        select(func.count()).select_from(paper_categories).where(paper_categories.c.category_id == category)
    ).scalar_one()
    return {"id": row["id"], "archive": row["archive"], "papers": count}


def find_authors(conn: Connection, name: str) -> list[dict[str, Any]]:
    """Every stored spelling of the author `name` asks for ({id, name}): the authors sharing its match key
    (authors.name_key) that domain.papers.is_author_variant accepts; the exact spelling first."""
    return find_authors_of(conn, [name])[name]


def find_authors_of(conn: Connection, names: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """find_authors for many names in one statement per chunk (a page of followed authors)."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    keys = list(dict.fromkeys(author_key(name) for name in names))
    rows: list[dict[str, Any]] = []
    for part in chunked(keys):
        query = select(authors.c.id, authors.c.name, authors.c.name_key).where(authors.c.name_key.in_(part))
        rows.extend(dict(row) for row in conn.execute(query.order_by(authors.c.name)).mappings())
    for name in found:
        key, exact = author_key(name), normalize_author(name)
        spellings = [
            {"id": row["id"], "name": row["name"]}
            for row in rows
            if row["name_key"] == key and is_author_variant(name, row["name"])
        ]
        found[name] = sorted(spellings, key=lambda author: (author["name"] != exact, -len(author["name"])))
    return found


@dataclass(frozen=True)
class Submission:
    """Who put a paper on a daily list here, when, and what they said about it."""

    user_id: int
    display_name: str
    created_at: datetime
    comment: str | None


def submitters(conn: Connection, ids: Sequence[str]) -> dict[str, Submission]:
    """The local submission of each of these papers (papers submitted only on Hugging Face have none)."""
    found: dict[str, Submission] = {}
    for part in chunked(list(ids)):
        query = (
            select(
                submissions.c.paper_id,
                submissions.c.user_id,
                users.c.display_name,
                submissions.c.created_at,
                submissions.c.comment,
            )
            .join(users, users.c.id == submissions.c.user_id)
            .where(submissions.c.paper_id.in_(list(part)))
        )
        for paper_id, user_id, name, created_at, comment in conn.execute(query):
            found[paper_id] = Submission(user_id, name, created_at, comment)
    return found


def submitter_names(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """Who submitted each of these papers to the daily list (display names)."""
    return {paper_id: s.display_name for paper_id, s in submitters(conn, ids).items()} if ids else {}


def category_counts(rows: Sequence[PaperRow | PaperStub]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        for cat in row.categories:
            counts[cat] = counts.get(cat, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
