"""A paper as a BibTeX entry (the page's "Cite" box and /papers/{id}.bib)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_MATH = re.compile(r"\$[^$]+\$")
_SPECIAL = re.compile(r"([&%#_])")
_WORD = re.compile(r"[A-Za-z]+")
_STOP = {"a", "an", "the", "on", "of", "for", "and", "in", "to", "with", "towards", "toward"}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _escape(text: str) -> str:
    """BibTeX-safe text: &, %, #, _ escaped outside $...$ math; braces balanced or dropped."""
    pieces, last = [], 0
    for match in _MATH.finditer(text):
        pieces.append(_SPECIAL.sub(r"\\\1", text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_SPECIAL.sub(r"\\\1", text[last:]))
    out = "".join(pieces)
    return out if out.count("{") == out.count("}") else out.replace("{", "").replace("}", "")


def cite_key(paper: dict[str, Any]) -> str:
    """'lovelace2025analytical': first author's last name, year, first significant title word."""
    last = _WORD.findall(_ascii(paper["authors"][0].split()[-1]) if paper["authors"] else "anon") or ["anon"]
    year = (paper.get("published") or paper.get("announced") or "")[:4]
    words = [w.lower() for w in _WORD.findall(_ascii(paper["title"])) if w.lower() not in _STOP]
    return f"{last[0].lower()}{year}{words[0] if words else ''}"


def bibtex(paper: dict[str, Any]) -> str:
    fields = [
        ("title", "{" + _escape(paper["title"]) + "}"),
        ("author", " and ".join(_escape(name) for name in paper["authors"]) or "Anonymous"),
        ("year", (paper.get("published") or paper.get("announced") or "")[:4]),
    ]
    if paper["abs_url"]:
        fields += [("eprint", paper["id"]), ("archivePrefix", "arXiv")]
        if paper.get("primary_category"):
            fields.append(("primaryClass", paper["primary_category"]))
        fields.append(("url", paper["abs_url"]))
    if paper.get("doi"):
        fields.append(("doi", _escape(paper["doi"])))
    if paper.get("journal_ref"):
        fields.append(("journal", _escape(paper["journal_ref"])))
    kind = "article" if paper.get("journal_ref") else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{cite_key(paper)},\n{body}\n}}\n"
