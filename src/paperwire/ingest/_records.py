"""Small helpers every parser shares: dates, author lists, ids, version lists."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from paperwire.domain.papers import ArxivId, VersionRecord, parse_arxiv_id

_PARENTHESES = re.compile(r"\([^()]*\)")
_AUTHOR_SEPARATORS = re.compile(r"\s*[,;]\s*|\s+and\s+|\s*&\s*")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def parse_date(text: str | None) -> date | None:
    """'2024-01-15', '2024-01-15T18:00:00Z' or 'Mon, 2 Apr 2007 19:18:42 GMT' -> date; else None.

    ISO timestamps keep their local calendar date (no time-zone conversion).
    """
    if not text or not (text := text.strip()):
        return None
    if text[:1].isdigit():
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def parse_author_list(text: str) -> list[str]:
    """'A. Smith (MIT), B. Jones and C. Wu' -> ['A. Smith', 'B. Jones', 'C. Wu'].

    Parenthesised affiliations are dropped; suffixes like 'Jr.' stay with the name before them.
    """
    previous = None
    while previous != text:  # nested parentheses, innermost first
        previous, text = text, _PARENTHESES.sub(" ", text)
    names: list[str] = []
    for part in _AUTHOR_SEPARATORS.split(" ".join(text.split())):
        part = part.strip()
        if not part:
            continue
        if names and part.lower() in _SUFFIXES:
            names[-1] = f"{names[-1]} {part}"
        else:
            names.append(part)
    return names


def canonical_id(text: str) -> ArxivId:
    """parse_arxiv_id that accepts the 'oai:arXiv.org:' prefix of OAI and RSS identifiers."""
    return parse_arxiv_id(text.strip().removeprefix("oai:arXiv.org:"))


def version_number(label: str | None) -> int | None:
    """'v3' -> 3; anything else -> None."""
    if label and label[:1] in "vV" and label[1:].isdigit():
        return int(label[1:])
    return None


def latest_version(versions: tuple[VersionRecord, ...]) -> int | None:
    return max((v.version for v in versions), default=None)


def first_and_last_dates(versions: tuple[VersionRecord, ...]) -> tuple[date | None, date | None]:
    """Dates of the lowest and highest version numbers."""
    if not versions:
        return None, None
    ordered = sorted(versions, key=lambda v: v.version)
    return ordered[0].date, ordered[-1].date


def categories_from_text(text: str | None) -> tuple[str, ...]:
    """'cs.LG stat.ML' -> ('cs.LG', 'stat.ML'), duplicates dropped, order kept."""
    return tuple(dict.fromkeys((text or "").split()))


def parse_timestamp(text: object) -> datetime | None:
    """'2024-01-15T18:00:00Z' / '2024-01-15T18:00:00.123+00:00' -> an aware UTC datetime; a bare date or
    anything else -> None (no time is invented)."""
    if not isinstance(text, str) or len(text.strip()) <= 10:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def text_or_none(value: object) -> str | None:
    """A stripped non-empty string, or None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
