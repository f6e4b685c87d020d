"""One converter per file format: a decoded JSON value -> PaperRecord (cleaned).

Converters raise ValueError (or KeyError/TypeError on a wrong shape) with a short reason;
files.py turns those into RecordErrors that name the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from paperwire.domain.papers import (
    ArxivId,
    PaperRecord,
    Submitter,
    VersionRecord,
    is_arxiv_id,
    is_category,
    parse_arxiv_id,
)
from paperwire.ingest._records import (
    categories_from_text,
    first_and_last_dates,
    latest_version,
    parse_author_list,
    parse_date,
    parse_timestamp,
    text_or_none,
    version_number,
)
from paperwire.ingest._subjects import SUBJECT_CATEGORIES

Converter = Callable[[Any], PaperRecord]
_PREFIXED_ID = re.compile(r"[a-z][a-z0-9+.\-]*:\S+")


def _field(obj: Mapping[str, Any], key: str) -> Any:
    value = obj.get(key)
    if value is None or value == "" or value == []:
        raise ValueError(f"missing {key}")
    return value


def _arxiv_id(value: object) -> ArxivId:
    return parse_arxiv_id(str(value))


def from_kaggle(obj: Mapping[str, Any]) -> PaperRecord:
    """The Kaggle arXiv snapshot (arxiv-metadata-oai-snapshot.json)."""
    arxiv_id = _arxiv_id(_field(obj, "id"))
    versions = tuple(
        VersionRecord(version=number, date=parse_date(v.get("created")))
        for v in obj.get("versions") or ()
        if (number := version_number(v.get("version"))) is not None
    )
    published, updated = first_and_last_dates(versions)
    parsed = obj.get("authors_parsed")
    authors = [_name_from_parts(parts) for parts in parsed] if parsed else None
    return PaperRecord(
        id=arxiv_id.id,
        version=latest_version(versions) or arxiv_id.version,
        title=_field(obj, "title"),
        abstract=_field(obj, "abstract"),
        authors=tuple(authors if authors is not None else parse_author_list(obj.get("authors") or "")),
        categories=categories_from_text(obj.get("categories")),
        versions=versions,
        published=published,
        updated=updated,
        comment=text_or_none(obj.get("comments")),
        journal_ref=text_or_none(obj.get("journal-ref")),
        doi=text_or_none(obj.get("doi")),
        license=text_or_none(obj.get("license")),
        source="kaggle",
    ).cleaned()


def _name_from_parts(parts: list[str]) -> str:
    """Kaggle's [last, first, suffix] -> 'first last suffix'."""
    last, first, *rest = [*parts, "", ""][: max(len(parts), 2)]
    return " ".join(p.strip() for p in (first, last, *rest) if p and p.strip())


def from_listing(obj: Mapping[str, Any]) -> PaperRecord:
    """A daily-listing line (id, categories[], authors[], title, summary, comment, listing_date)."""
    arxiv_id = _arxiv_id(_field(obj, "id"))
    return PaperRecord(
        id=arxiv_id.id,
        version=arxiv_id.version,
        title=_field(obj, "title"),
        abstract=_field(obj, "summary"),
        authors=tuple(obj.get("authors") or ()),
        categories=tuple(dict.fromkeys(obj.get("categories") or ())),
        announced=parse_date(obj.get("listing_date")),
        comment=text_or_none(obj.get("comment")),
        source="listing",
    ).cleaned()


def from_oai_dc(item: list[Any]) -> PaperRecord:
    """["<id>", {oai_dc document}] as harvested with metadataPrefix=oai_dc."""
    if not isinstance(item, list) or len(item) != 2 or not isinstance(item[1], dict):
        raise ValueError('expected ["<id>", {oai_dc document}]')
    arxiv_id, doc = _arxiv_id(item[0]), item[1]
    titles = [t for t in doc.get("title") or () if t and t.strip()]
    descriptions = [d for d in doc.get("description") or () if d and d.strip()]
    if not titles or not descriptions:
        raise ValueError(f"missing {'title' if not titles else 'description'}")
    comments = [d.strip()[len("Comment:") :] for d in descriptions[1:] if d.lstrip().startswith("Comment:")]
    dates = [parse_date(d) for d in doc.get("date") or ()]
    identifiers = [i.strip() for i in doc.get("identifier") or () if i and i.strip()]
    return PaperRecord(
        id=arxiv_id.id,
        version=len(dates) or arxiv_id.version,
        title=titles[0],
        abstract=descriptions[0],
        authors=tuple(doc.get("creator") or ()),
        categories=subject_categories(doc.get("subject") or ()),
        versions=tuple(VersionRecord(version=n, date=d) for n, d in enumerate(dates, start=1)),
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        comment=comments[0] if comments else None,
        doi=next((i[4:].strip() for i in identifiers if i.lower().startswith("doi:")), None),
        journal_ref=next((i for i in identifiers if not i.lower().startswith(("http", "doi:"))), None),
        source="oai-dc",
    ).cleaned()


def subject_categories(subjects: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Human-readable subjects -> category ids, order kept; unknown subjects (MSC, ACM) dropped."""
    found: dict[str, None] = {}
    for subject in subjects:
        category = SUBJECT_CATEGORIES.get(subject.strip())
        if category is None and " - " in subject:  # 'cond-mat.mtrl-sci - Materials Science'
            head = subject.split(" - ", 1)[0].strip()
            category = head if is_category(head) and "." in head else None
        if category:
            found.setdefault(category, None)
    return tuple(found)


def from_hf_daily(item: Mapping[str, Any]) -> PaperRecord:
    """One item of Hugging Face's /api/daily_papers: the paper plus community data."""
    paper = _field(item, "paper")
    arxiv_id = _arxiv_id(_field(paper, "id"))
    submitter = item.get("submittedBy") or paper.get("submittedOnDailyBy") or {}
    extra = {"num_comments": str(item["numComments"])} if item.get("numComments") is not None else {}
    submitted = item.get("publishedAt") or paper.get("submittedOnDailyAt")
    return PaperRecord(
        id=arxiv_id.id,
        version=arxiv_id.version,
        title=_field(paper, "title"),
        abstract=_field(paper, "summary"),
        authors=tuple(a["name"] for a in paper.get("authors") or () if a.get("name")),
        published=parse_date(paper.get("publishedAt")),
        upvotes=int(paper.get("upvotes") or 0),
        submitted_on=parse_date(submitted),
        submitted_by=text_or_none(submitter.get("user") or submitter.get("name")),
        submitter=_submitter(submitter),
        submitted_at=parse_timestamp(submitted),
        published_at=parse_timestamp(paper.get("publishedAt")),
        num_comments=_count(item.get("numComments")),
        github_repo=_http_url(paper.get("githubRepo")),
        project_page=_http_url(paper.get("projectPage")),
        source="hf-daily",
        extra=extra,
    ).cleaned()


def _submitter(value: Mapping[str, Any]) -> Submitter | None:
    """HF's user object ({user, fullname, avatarUrl, ...}); older exports had only {name}."""
    user = text_or_none(value.get("user") or value.get("name"))
    if user is None:
        return None
    return Submitter(
        user=user,
        fullname=text_or_none(value.get("fullname")) or user,
        avatar_url=_http_url(value.get("avatarUrl")) or "",
        is_pro=bool(value.get("isPro", False)),
        type=text_or_none(value.get("type")) or "user",
        id=text_or_none(value.get("_id")) or "",
    )


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and value >= 0 else None


def _http_url(value: Any) -> str | None:
    text = text_or_none(value) if isinstance(value, str) else None
    return text if text and text.startswith(("https://", "http://")) and len(text) <= 512 else None


def from_jsonl(obj: Mapping[str, Any]) -> PaperRecord:
    """paperwire's generic JSON-lines format (docs/ingest-formats.md)."""
    paper_id, version = _generic_id(str(_field(obj, "id")))
    authors, categories = _field(obj, "authors"), obj.get("categories")
    if categories is None:
        raise ValueError("missing categories")
    return PaperRecord(
        id=paper_id,
        version=_version(obj.get("version")) or version,
        title=_field(obj, "title"),
        abstract=_field(obj, "abstract"),
        authors=tuple(parse_author_list(authors) if isinstance(authors, str) else authors),
        categories=categories_from_text(categories) if isinstance(categories, str) else tuple(categories),
        published=_iso_date(obj, "published", required=True),
        updated=_iso_date(obj, "updated"),
        announced=_iso_date(obj, "announced"),
        comment=text_or_none(obj.get("comment")),
        journal_ref=text_or_none(obj.get("journal_ref")),
        doi=text_or_none(obj.get("doi")),
        license=text_or_none(obj.get("license")),
        source="jsonl",
    ).cleaned()


def _generic_id(text: str) -> tuple[str, int | None]:
    if is_arxiv_id(text):
        parsed = parse_arxiv_id(text)
        return parsed.id, parsed.version
    if _PREFIXED_ID.fullmatch(text):
        return text, None
    raise ValueError(f"id {text[:60]!r} is not an arXiv id; prefix other ids, e.g. 'doi:10.1145/...'")


def _version(value: object) -> int | None:
    if value is None or isinstance(value, int):
        return value
    number = version_number(str(value)) or (int(str(value)) if str(value).isdigit() else None)
    if number is None:
        raise ValueError(f"bad version {value!r}")
    return number


def _iso_date(obj: Mapping[str, Any], key: str, *, required: bool = False) -> date | None:
    value = _field(obj, key) if required else obj.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{key}: expected YYYY-MM-DD, got {str(value)[:30]!r}") from None


CONVERTERS: dict[str, Converter] = {
    "kaggle": from_kaggle,
    "listing": from_listing,
    "oai-dc": from_oai_dc,
    "hf-daily": from_hf_daily,
    "jsonl": from_jsonl,
}


def guess_format(value: object) -> str | None:
    """The format whose records look like `value` (the first line, decoded), or None."""
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
            return "oai-dc"
        return "hf-daily" if value and all(isinstance(v, dict) and "paper" in v for v in value) else None
    if not isinstance(value, dict):
        return None
    if "paper" in value:
        return "hf-daily"
    if {"authors_parsed", "update_date", "submitter"} & value.keys():
        return "kaggle"
    if "listing_date" in value or {"summary", "abs"} <= value.keys():
        return "listing"
    return "jsonl" if {"id", "title", "abstract"} <= value.keys() else None
