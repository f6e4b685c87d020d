"""A paper as Markdown: every value from the database is escaped; links are built, never copied."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(?:/[A-Za-z0-9._~%!$&'*+,;=:@/\-]*)?")


def escape_markdown(text: str | None) -> str:
    """Backslash-escape Markdown syntax and turn HTML-significant characters into entities."""
    if not text:
        return ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split()) if "\n" not in text else "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with no characters that could end a Markdown link; None otherwise."""
    if url and _SAFE_URL.fullmatch(url):
        return url.replace("(", "%28").replace(")", "%29")
    return None


def _link(label: str, url: str | None) -> str:
    target = safe_url(url)
    return f"[{escape_markdown(label)}]({target})" if target else escape_markdown(label)


def paper_markdown(paper: dict[str, Any], base_url: str) -> str:
    authors = ", ".join(_link(name, f"{base_url}/authors/{quote(name, safe='')}") for name in paper["authors"])
    lines = [f"# {escape_markdown(paper['title'])}", "", f"**Authors:** {authors}", ""]
    lines.append(f"**Categories:** {escape_markdown(' '.join(paper['categories']))}")
    for label, key in (("Published", "published"), ("Announced", "announced"), ("Updated", "updated")):
        if paper.get(key):
            lines.append(f"**{label}:** {escape_markdown(paper[key])}")
    lines.append(f"**Upvotes:** {int(paper['upvotes'])}")
    links = [_link("arXiv abstract", paper["abs_url"]), _link("PDF", paper["pdf_url"])]
    links += [_link(url, url) for url in paper["code_links"]]
    lines += ["", "**Links:** " + " · ".join(link for link in links if link), "", "## Abstract", ""]
    lines.append(escape_markdown(paper["abstract"]))
    if paper.get("comment"):
        lines += ["", f"**Comment:** {escape_markdown(paper['comment'])}"]
    return "\n".join(lines) + "\n"
