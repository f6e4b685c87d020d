"""A paper as a citation: BibTeX (the page's "Cite" box, /papers/{id}.bib and every library or
collection export), RIS and CSL-JSON. `paper` is the paper dict of the pages (id, title, authors,
published, announced, abs_url, primary_category, doi, journal_ref)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
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


def bibtex(paper: dict[str, Any], key: str | None = None) -> str:
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
    return f"@{kind}{{{key or cite_key(paper)},\n{body}\n}}\n"


def cite_keys(papers: Sequence[dict[str, Any]]) -> list[str]:
    """One key per paper, unique within the list and stable: a clash gets the arXiv id's digits
    appended, so adding a paper to a collection never changes another paper's key."""
    plain = [cite_key(paper) for paper in papers]
    clashes = {key for key in plain if plain.count(key) > 1}
    return [
        f"{key}_{re.sub(r'[^0-9a-z]', '', p['id'].lower())}" if key in clashes else key
        for key, p in zip(plain, papers, strict=True)
    ]


def bibtex_all(papers: Sequence[dict[str, Any]]) -> str:
    return "\n".join(bibtex(paper, key) for paper, key in zip(papers, cite_keys(papers), strict=True))


def _year(paper: dict[str, Any]) -> str:
    return str(paper.get("published") or paper.get("announced") or "")[:4]


def ris(paper: dict[str, Any]) -> str:
    """One RIS record (TY ... ER)."""
    lines = [("TY", "JOUR" if paper.get("journal_ref") else "PREPRINT"), ("TI", paper["title"])]
    lines += [("AU", name) for name in paper["authors"]]
    lines += [("PY", _year(paper)), ("UR", paper.get("abs_url") or ""), ("DO", paper.get("doi") or "")]
    lines += [("JO", paper.get("journal_ref") or ""), ("AB", " ".join(str(paper.get("abstract") or "").split()))]
    if paper.get("abs_url"):
        lines.append(("AN", f"arXiv:{paper['id']}"))
    body = "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines if value)
    return body + "ER  - \r\n"


def _csl_name(name: str) -> dict[str, str]:
    parts = name.rsplit(" ", 1)
    return {"family": parts[-1], "given": parts[0]} if len(parts) == 2 else {"literal": name}


def csl_json(paper: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item (what Zotero, pandoc and citeproc read)."""
    item: dict[str, Any] = {
        "id": key or cite_key(paper),
        "type": "article-journal" if paper.get("journal_ref") else "article",
        "title": paper["title"],
        "author": [_csl_name(name) for name in paper["authors"]],
    }
    year = _year(paper)
    if year.isdigit():
        item["issued"] = {"date-parts": [[int(year)]]}
    if paper.get("abs_url"):
        item |= {"URL": paper["abs_url"], "number": paper["id"], "publisher": "arXiv"}
    if paper.get("doi"):
        item["DOI"] = paper["doi"]
    if paper.get("journal_ref"):
        item["container-title"] = paper["journal_ref"]
    return item


# name -> (file extension, media type)
EXPORT_FORMATS = {
    "bibtex": ("bib", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "csl": ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
    "jsonl": ("jsonl", "application/x-ndjson; charset=utf-8"),
}


def export_text(papers: Sequence[dict[str, Any]], fmt: str, notes: dict[str, str] | None = None) -> str:
    """A library or collection in one of EXPORT_FORMATS (the caller checked `fmt`). Keys are cite_keys."""
    notes = notes or {}
    keys = cite_keys(papers)
    if fmt == "bibtex":
        return bibtex_all(papers)
    if fmt == "ris":
        return "".join(ris(paper) for paper in papers)
    if fmt == "csl":
        return json.dumps([csl_json(p, k) for p, k in zip(papers, keys, strict=True)], ensure_ascii=False, indent=1)
    return "".join(
        json.dumps(_json_line(p, k, notes), ensure_ascii=False) + "\n" for p, k in zip(papers, keys, strict=True)
    )


def _json_line(paper: dict[str, Any], key: str, notes: dict[str, str]) -> dict[str, Any]:
    fields = ("id", "title", "authors", "abstract", "published", "primary_category", "doi", "abs_url")
    return {"key": key, **{name: paper.get(name) for name in fields}, "note": notes.get(paper["id"], "")}
