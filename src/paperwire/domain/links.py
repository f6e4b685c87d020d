"""Links in a paper's arXiv comment: every URL, the project page among them, the GitHub repository."""

from __future__ import annotations

import re
from dataclasses import dataclass

# An http(s) URL, or a bare "github.io"-style host; trailing punctuation of the sentence is not part of it.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'{}|\\^`]+|\b[\w\-]+(?:\.[\w\-]+)*\.github\.io(?:/[^\s<>\"']*)?", re.I)
_TRAILING = ".,;:!?)]}'\""
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/([\w.\-]+)/([\w.\-]+?)(?:\.git)?/?(?:[#?].*)?$", re.I)
_NOT_PROJECT = re.compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|arxiv\.org|doi\.org|dx\.doi\.org|huggingface\.co|"
    r"creativecommons\.org|youtube\.com|youtu\.be|twitter\.com|x\.com|zenodo\.org)(?:/|$)",
    re.I,
)
_PROJECT_HINT = re.compile(r"project\s*page|website|homepage|demo|available\s+at", re.I)


@dataclass(frozen=True)
class TextPart:
    """A piece of comment text: plain (`url` None) or a link."""

    text: str
    url: str | None = None


def _clean(raw: str) -> str:
    url = raw.rstrip(_TRAILING)
    if url.count("(") < raw.count(")") and raw.rstrip(_TRAILING) != raw:  # "(see https://x.org/a)"
        url = url.rstrip(")")
    return url if url.lower().startswith(("http://", "https://")) else "https://" + url


def split_links(text: str | None) -> list[TextPart]:
    """The text in order, with each URL as its own part (scheme added to bare hosts)."""
    parts: list[TextPart] = []
    position = 0
    for match in _URL.finditer(text or ""):
        raw = match.group(0).rstrip(_TRAILING)
        if not raw:
            continue
        if match.start() > position:
            parts.append(TextPart(text[position : match.start()]))  # type: ignore[index]
        parts.append(TextPart(raw, _clean(raw)))
        position = match.start() + len(raw)
    if text and position < len(text):
        parts.append(TextPart(text[position:]))
    return parts


def urls_in(text: str | None) -> list[str]:
    return list(dict.fromkeys(part.url for part in split_links(text) if part.url))


def github_name(url: str | None) -> str | None:
    """'owner/name' of a GitHub repository URL; None for anything else."""
    match = _GITHUB.match(url or "")
    if not match or match.group(1).lower() in {"orgs", "topics", "features", "sponsors", "apps"}:
        return None
    return f"{match.group(1)}/{match.group(2)}"


def project_page(comment: str | None) -> str | None:
    """The project page a comment names: a URL after "project page"/"website"/..., else the first
    github.io page, else the first URL that is not a code host, arXiv, DOI or social site."""
    urls = [u for u in urls_in(comment) if not _NOT_PROJECT.match(u)]
    if not urls:
        return None
    hinted = _hinted(comment or "", urls)
    if hinted:
        return hinted
    github_io = [u for u in urls if ".github.io" in u.lower()]
    return github_io[0] if github_io else urls[0]


def _hinted(comment: str, urls: list[str]) -> str | None:
    for hint in _PROJECT_HINT.finditer(comment):
        following = urls_in(comment[hint.end() : hint.end() + 200])
        for url in following:
            if url in urls:
                return url
    return None


def github_repo(chosen: str | None, code_links: tuple[str, ...] | list[str]) -> str | None:
    """The paper's GitHub repository: the chosen one, else the first GitHub code link."""
    if chosen:
        return chosen
    return next((link for link in code_links if github_name(link)), None)
