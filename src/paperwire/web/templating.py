"""Jinja2 environment: autoescaping everywhere, shared globals, and the filters pages use."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from paperwire import __version__
from paperwire.config import Settings
from paperwire.domain.papers import readable_text
from paperwire.search.text import STOP_WORDS, fold, stem_words
from paperwire.web import charts
from paperwire.web.flash import flash_message

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

TEMPLATES = Path(__file__).parent / "templates"


def highlight(text: str | None, terms: Iterable[str]) -> Markup:
    """Escape the text, then wrap each word whose index term (folded, stemmed; search/text.py) is one of
    `terms` in <mark>: "generating" marks "generation", and stop words are never marked.

    Matching runs on the raw text and each piece is escaped separately, so a term can never match
    inside an entity or tag that escaping produced.
    """
    text = text or ""
    wanted = set(terms)
    if not wanted:
        return escape(text)
    pieces: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = fold(match.group(0))
        if word in STOP_WORDS or stem_words([word])[0] not in wanted:
            continue
        pieces.append(str(escape(text[last : match.start()])))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(str(escape(text[last:])))
    return Markup("".join(pieces))  # noqa: S704 -- every piece above was escaped


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """'?a=1&b=2' from params with changes applied; None values and empty lists are dropped."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item not in (None, ""):
                pairs.append((key, str(item)))
    return "?" + urlencode(pairs) if pairs else ""


def url_part(value: str) -> str:
    return quote(value, safe="")


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.autoescape = True
    templates.env.globals.update(
        version=__version__,
        base_url=settings.base_url,
        site_name="paperwire",
        query_string=query_string,
        flash_message=flash_message,
        arxiv_abs_url=settings.arxiv_abs_url,
        sparkline=charts.sparkline,
        bar_chart=charts.bars_of,
    )
    templates.env.filters.update(highlight=highlight, readable=readable_text, url_part=url_part)
    from paperwire.web.views.community import install_template_globals  # upvote and comment forms

    install_template_globals(templates.env)
    from paperwire.web.views.library import install_template_globals as install_library_globals  # save, follow

    install_library_globals(templates.env)
    return templates
