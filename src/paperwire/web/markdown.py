"""A paper as Markdown: every value from the database is escaped; links are built, never copied."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from paperwire.domain.papers import MATH_SEGMENT

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(?:/[A-Za-z0-9._~%!$&'*+,;=:@/\-]*)?")


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_plain(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", _entities(text))


def _is_inert_math(segment: str) -> bool:
    """Math we may copy as is: nothing a viewer without math support could read as a link or HTML."""
    return "](" not in segment and "http" not in segment.lower() and "`" not in segment


def escape_markdown(text: str | None) -> str:
    """Backslash-escape Markdown syntax and turn HTML-significant characters into entities, except
    inside $...$, $$...$$, \\(...\\) and \\[...\\] math, which stays as written so it renders."""
    if not text:
        return ""
    pieces: list[str] = []
    last = 0
    for match in MATH_SEGMENT.finditer(text):  # math is kept verbatim (only <, >, & become entities)
        segment = match.group(0)
        pieces.append(_escape_plain(text[last : match.start()]))
        pieces.append(_entities(segment) if _is_inert_math(segment) else _escape_plain(segment))
        last = match.end()
    pieces.append(_escape_plain(text[last:]))
    text = "".join(pieces)
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
    if paper.get("submitter"):
        who = paper["submitter"]
        when = (paper.get("submitted_at") or "")[:10]
        lines.append(f"**Submitted by:** {escape_markdown(who['fullname'])} ({escape_markdown(when)})")
        if paper.get("submission_comment"):
            lines.append(f"**Submitter's comment:** {escape_markdown(paper['submission_comment'])}")
    links = [_link("arXiv abstract", paper["abs_url"]), _link("PDF", paper["pdf_url"])]
    if paper.get("project_page"):
        links.append(_link("Project page", paper["project_page"]))
    if paper.get("github_repo"):
        stars = paper.get("github_stars")
        label = "GitHub" + (f" ({int(stars)} stars)" if stars is not None else "")
        links.append(_link(label, paper["github_repo"]))
    links += [_link(url, url) for url in paper["code_links"] if url != paper.get("github_repo")]
    lines += ["", "**Links:** " + " · ".join(link for link in links if link), ""]
    if paper.get("ai_keywords"):
        lines += [f"**Keywords:** {escape_markdown(', '.join(paper['ai_keywords']))}", ""]
    if paper.get("ai_summary"):
        lines += [f"**TL;DR:** {escape_markdown(paper['ai_summary'])}", ""]
    lines += ["## Abstract", "", escape_markdown(paper["abstract"])]
    if paper.get("comment"):
        lines += ["", f"**Comment:** {escape_markdown(paper['comment'])}"]
    return "\n".join(lines) + "\n"
