"""A subscriber's digest preferences: what goes in an edition, and how often."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from paperwire.domain.papers import is_category
from paperwire.errors import InvalidInput

FREQUENCIES = ("daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_ITEMS = 20  # per list: categories, saved searches, followed authors
MAX_QUERY_CHARS = 200
FOLLOW_KINDS = ("author", "category", "search")  # as in community/library.py KINDS


@dataclass(frozen=True)
class Sections:
    trending: int = 10  # top N trending; 0 leaves the section out
    categories: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    recommended: bool = True  # from the papers the linked account upvoted
    repeats: bool = False  # allow a paper that an earlier edition already sent

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Sections:
        data = data or {}
        return cls(
            trending=int(data.get("trending", 10)),
            categories=tuple(data.get("categories", ())),
            searches=tuple(data.get("searches", ())),
            authors=tuple(data.get("authors", ())),
            recommended=bool(data.get("recommended", True)),
            repeats=bool(data.get("repeats", False)),
        )


def with_follows(data: dict[str, Any] | None, follows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A linked account's sections: its followed authors, categories and searches are its follows
    ((kind, label) pairs from the follows table, the one list the web's Follow buttons and /following
    edit). Lists typed on the preferences page before the account was linked are not read; the page
    shows them as such (web/views/subscribe.py)."""
    kinds = {kind: tuple(dict.fromkeys(label for k, label in follows if k == kind)) for kind in FOLLOW_KINDS}
    followed = replace(
        Sections.from_json(data), authors=kinds["author"], categories=kinds["category"], searches=kinds["search"]
    )
    return followed.as_json()


def typed_lists(sections: Sections) -> list[str]:
    """What a subscriber typed into the followed lists ('Ada Lovelace', 'cs.LG', 'graph nets')."""
    return [*sections.authors, *sections.categories, *sections.searches]


@dataclass(frozen=True)
class Preferences:
    frequency: str = "daily"
    weekly_day: int = 0
    paused: bool = False
    sections: Sections = field(default_factory=Sections)


def _lines(text: str) -> list[str]:
    items = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    return list(dict.fromkeys(item for item in items if item))


def parse_form(form: dict[str, str], trending_default: int = 10, *, linked: bool = False) -> Preferences:
    """Preferences from the preferences page's form fields; raises InvalidInput with a readable message.
    A subscriber `linked` to an account follows from the account, so the form's lists are not taken."""
    if linked:
        form = {k: v for k, v in form.items() if k not in ("categories", "searches", "authors")}
    frequency = form.get("frequency", "daily")
    if frequency not in FREQUENCIES:
        raise InvalidInput("frequency must be daily or weekly")
    day = form.get("weekly_day", "mon")
    if day not in WEEKDAYS:
        raise InvalidInput("weekly_day must be one of " + ", ".join(WEEKDAYS))
    try:
        trending = int(form.get("trending") or 0) if form.get("trending_on") else 0
    except ValueError:
        raise InvalidInput("trending must be a number") from None
    categories = [c for c in form.get("categories", "").replace(",", " ").split() if c]
    bad = [c for c in categories if not is_category(c)]
    if bad:
        raise InvalidInput(f"not an arXiv category: {bad[0][:40]!r}")
    searches, authors = _lines(form.get("searches", "")), _lines(form.get("authors", ""))
    if any(len(q) > MAX_QUERY_CHARS for q in searches):
        raise InvalidInput(f"a saved search may have at most {MAX_QUERY_CHARS} characters")
    if max(len(categories), len(searches), len(authors)) > MAX_ITEMS:
        raise InvalidInput(f"at most {MAX_ITEMS} categories, searches and authors each")
    sections = Sections(
        trending=max(0, min(trending, 50)),
        categories=tuple(dict.fromkeys(categories)),
        searches=tuple(searches),
        authors=tuple(authors),
        recommended=bool(form.get("recommended")),
        repeats=bool(form.get("repeats")),
    )
    return Preferences(frequency, WEEKDAYS.index(day), bool(form.get("paused")), sections)
