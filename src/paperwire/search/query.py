"""The query language: free words, "exact phrases", author:, cat:, after:/before:, keyword:, or an arXiv id/URL.

Every input either parses or raises InvalidInput with a message meant for the person who typed it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from paperwire.domain.papers import parse_arxiv_id
from paperwire.errors import InvalidInput
from paperwire.search.text import phrase_key, words

MAX_QUERY_CHARS = 4000

_TOKEN = re.compile(
    r'(?P<op>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"?|(?P<value>[^\s"]*))'
    r'|"(?P<phrase>[^"]*)"?'
    r'|(?P<word>[^\s"]+)'
)
_OPERATORS = {
    "author": "author",
    "au": "author",
    "cat": "cat",
    "category": "cat",
    "after": "after",
    "since": "after",
    "before": "before",
    "until": "before",
    "keyword": "keyword",
    "kw": "keyword",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # words and phrases, for ranking (operators removed)
    phrases: tuple[str, ...] = ()  # phrase_key() forms that must occur verbatim
    authors: tuple[str, ...] = ()  # each: the folded words of one author: filter (all must match)
    categories: tuple[str, ...] = ()  # lowercased ids or archives ('cs.lg', 'cs'); any may match
    after: date | None = None  # inclusive
    before: date | None = None  # inclusive
    arxiv_id: str | None = None
    keywords: tuple[str, ...] = ()  # lowercased; papers whose computed keywords include each

    @property
    def has_filters(self) -> bool:
        return bool(self.authors or self.categories or self.after or self.before or self.keywords)


def parse_date(value: str, *, end: bool) -> date:
    """'2025', '2025-03' or '2025-03-07'; a partial date covers its whole year or month."""
    match = _DATE.match(value)
    if not match:
        raise InvalidInput(f"bad date {value[:40]!r}: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month = int(match[1]), int(match[2] or (12 if end else 1))
    try:
        last_day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        day = int(match[3]) if match[3] else (last_day if end else 1)
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"bad date {value[:40]!r}: no such day") from None


def parse_query(raw: str) -> ParsedQuery:
    raw = raw or ""
    if len(raw) > MAX_QUERY_CHARS:
        raise InvalidInput(f"query is too long ({len(raw)} characters; at most {MAX_QUERY_CHARS})")
    raw = raw.replace("\x00", " ")
    try:
        return ParsedQuery(text=raw.strip(), arxiv_id=parse_arxiv_id(raw).id)
    except ValueError:
        pass
    parts: dict[str, list[str]] = {
        "text": [],
        "phrase": [],
        "author": [],
        "cat": [],
        "after": [],
        "before": [],
        "keyword": [],
    }
    for match in _TOKEN.finditer(raw):
        _collect(match, parts)
    return ParsedQuery(
        text=" ".join(parts["text"]),
        phrases=tuple(p for p in (phrase_key(x) for x in parts["phrase"]) if p),
        authors=tuple(parts["author"]),
        categories=tuple(parts["cat"]),
        after=max((parse_date(v, end=False) for v in parts["after"]), default=None),
        before=min((parse_date(v, end=True) for v in parts["before"]), default=None),
        keywords=tuple(" ".join(k.lower().split()) for k in parts["keyword"]),
    )


def _collect(match: re.Match[str], parts: dict[str, list[str]]) -> None:
    op = match["op"]
    if op is not None and op.lower() in _OPERATORS:
        kind = _OPERATORS[op.lower()]
        value = (match["quoted"] if match["quoted"] is not None else match["value"]).strip()
        if not value:
            raise InvalidInput(f"{op}: needs a value, e.g. author:hinton, cat:cs.LG, after:2025-01-01")
        if kind == "author":
            if not words(value):
                raise InvalidInput(f"author:{value[:40]}: no letters or digits in the name")
            parts["author"].append(" ".join(words(value)))
        elif kind == "keyword":
            parts["keyword"].append(value)
        elif kind == "cat":
            parts["cat"].append(value.lower())
        else:
            parts[kind].append(value)
    elif match["phrase"] is not None:
        parts["phrase"].append(match["phrase"])
        parts["text"].append(match["phrase"])
    else:
        parts["text"].append(match[0])
