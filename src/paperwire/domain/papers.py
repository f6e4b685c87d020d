"""Papers as the rest of paperwire sees them: ids, records, authors, code links."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from urllib.parse import quote

# New-style ids (0704.0001 .. 2612.99999), old-style (hep-th/9901001, math.AG/0301001), optional vN.
# re.ASCII everywhere: \d would otherwise accept Arabic-Indic and other Unicode digits (U+0660..U+0669).
_NEW_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5})(?:v(?P<v>\d+))?", re.ASCII)
_OLD_ID = re.compile(r"(?P<id>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?", re.ASCII)
_ID_IN_TEXT = re.compile(
    r"^\s*(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/)?"
    r"(?P<body>\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)(?:\.pdf)?/?\s*$",
    re.IGNORECASE | re.ASCII,
)
# arXiv category ids: 'cs.LG', 'hep-th', 'math.AG', 'astro-ph.GA', 'q-bio.NC'. MSC/ACM codes are not.
_CATEGORY = re.compile(r"[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?", re.ASCII)
_CODE_LINK = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/[\w.\-]+/[\w.\-]+", re.IGNORECASE)


@dataclass(frozen=True)
class ArxivId:
    """A canonical arXiv identifier without version, plus the version if one was given."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse '2401.12345', '2401.12345v2', 'arXiv:hep-th/9901001', or an abs/pdf URL.

    Raises ValueError for anything else (callers turn it into InvalidInput).
    """
    match = _ID_IN_TEXT.match(text or "")
    if not match:
        raise ValueError(f"not an arXiv id: {text[:80]!r}")
    body = match.group("body")
    parsed = _NEW_ID.fullmatch(body) or _OLD_ID.fullmatch(body)
    if parsed is None:  # old-style ids are case-sensitive in the archive part
        parsed = _OLD_ID.fullmatch(body[0].lower() + body[1:])
    if parsed is None:
        raise ValueError(f"not an arXiv id: {text[:80]!r}")
    version = int(parsed.group("v")) if parsed.group("v") else None
    return ArxivId(parsed.group("id"), version)


def is_arxiv_id(text: str) -> bool:
    try:
        parse_arxiv_id(text)
    except ValueError:
        return False
    return True


def is_category(text: str) -> bool:
    """True for an arXiv category id; false for MSC/ACM codes such as '68T05' or 'I.2.7'."""
    return len(text) <= 32 and _CATEGORY.fullmatch(text) is not None


def paper_path(paper_id: str) -> str:
    """The site path of a paper's page: '/papers/2401.12345', '/papers/hep-th/9901001'."""
    return "/papers/" + quote(paper_id, safe="/:.")


def find_code_links(*texts: str | None) -> tuple[str, ...]:
    """GitHub/GitLab repository URLs found in abstract or comment, in order, without duplicates."""
    seen: dict[str, None] = {}
    for text in texts:
        for url in _CODE_LINK.findall(text or ""):
            seen.setdefault(url.rstrip(".").removesuffix(".git"), None)
    return tuple(seen)


def fold_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def normalize_author(name: str) -> str:
    """Display form: 'Smith, John' -> 'John Smith'; whitespace collapsed."""
    name = " ".join(name.split())
    if "," in name and name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and not first.lower().startswith(("jr", "sr", "ii", "iii")):
            name = f"{first} {last}"
    return name


def author_key(name: str) -> str:
    """A match key: 'J. Smith', 'Smith, John' and 'John Smith' all give 'smith j'."""
    display = normalize_author(name)
    words = re.findall(r"[a-z0-9]+", fold_ascii(display).lower())
    if not words:
        return display.lower()
    last = words[-1]
    initial = words[0][0] if len(words) > 1 else ""
    return f"{last} {initial}".strip()


@dataclass(frozen=True, kw_only=True)
class VersionRecord:
    version: int
    date: date | None = None


@dataclass(frozen=True)
class Submitter:
    """Who submitted a paper to Hugging Face's daily list (its user object), kept by imports."""

    user: str
    fullname: str = ""
    avatar_url: str = ""
    is_pro: bool = False
    type: str = "user"
    id: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "_id": self.id or self.user,
            "user": self.user,
            "fullname": self.fullname or self.user,
            "avatarUrl": self.avatar_url,
            "isPro": self.is_pro,
            "type": self.type,
        }


@dataclass(frozen=True, kw_only=True)
class PaperRecord:
    """One paper as a source describes it. Parsers produce these; the ingest service stores them.

    `id` is the arXiv id without version, or a prefixed id (e.g. 'doi:10.1145/...') for other sources.
    `categories` lists the primary category first. `version` is the latest version the source knows
    (None when the source does not say). Optional fields left as None keep what is already stored.
    """

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    version: int | None = None
    published: date | None = None  # first version
    updated: date | None = None  # latest version
    announced: date | None = None  # listing date
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    license: str | None = None
    source: str = "unknown"
    versions: tuple[VersionRecord, ...] = ()
    # Hugging Face daily papers carry community data
    upvotes: int | None = None
    submitted_on: date | None = None
    submitted_by: str | None = None
    submitter: Submitter | None = None
    submitted_at: datetime | None = None  # the submission's time, when the source gives it
    published_at: datetime | None = None  # the first version's time, when the source gives it
    num_comments: int | None = None
    github_repo: str | None = None
    project_page: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None

    @property
    def code_links(self) -> tuple[str, ...]:
        return find_code_links(self.abstract, self.comment)

    def cleaned(self) -> PaperRecord:
        """Whitespace-normalised title/abstract/comment; authors in display form."""
        return replace(
            self,
            title=" ".join(self.title.split()),
            abstract=clean_abstract(self.abstract),
            authors=tuple(normalize_author(a) for a in self.authors if a and not a.isspace()),
            categories=tuple(dict.fromkeys(c for c in self.categories if is_category(c))),
            comment=" ".join(self.comment.split()) if self.comment else self.comment,
        )


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def clean_abstract(text: str) -> str:
    """arXiv abstracts are hard-wrapped; join lines but keep blank-line paragraph breaks."""
    if not _PARAGRAPH_BREAK.search(text):
        return " ".join(text.split())
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


# Math as arXiv abstracts write it ($...$, $$...$$, \(...\), \[...\]): left as written for KaTeX, here and in
# the Markdown view (web/markdown.py).
MATH_SEGMENT = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
# LaTeX text commands that abstracts use outside math; a reader wants their argument, not the markup.
_TEXT_COMMAND = re.compile(
    r"\\(?:emph|textit|textbf|texttt|textsc|textrm|textsf|textsl|textup|textnormal|underline|mbox|url|text)"
    r"\s*\{([^{}$]*)\}"
)
_ESCAPED_CHARACTER = re.compile(r"\\([%&#_])")  # not \$: an unescaped $ would start math


def readable_text(text: str) -> str:
    """Abstract text for reading: outside math, `\\emph{before}` reads "before" and `\\%` reads "%" (arXiv
    shows them so too); math stays as written for the page's math renderer. The stored abstract is
    unchanged (search, exports and the API keep the source)."""
    pieces: list[str] = []
    last = 0
    for match in MATH_SEGMENT.finditer(text):
        pieces.append(_readable_prose(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_readable_prose(text[last:]))
    return "".join(pieces)


def _readable_prose(text: str) -> str:
    previous = None
    while previous != text:  # \textbf{\emph{x}} unwraps from the inside out
        previous, text = text, _TEXT_COMMAND.sub(r"\1", text)
    return _ESCAPED_CHARACTER.sub(r"\1", text)


def content_hash(values: tuple[object, ...]) -> str:
    """A short stable digest of a paper's stored content, to skip unchanged re-ingests."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=12).hexdigest()


def _name_words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold_ascii(normalize_author(name)).lower())


def is_author_variant(query: str, name: str) -> bool:
    """True when `name` may be the author `query` asks for: the same family name and, word by word,
    given names that agree or where one side is an initial ("jun suzuki", "Jun Suzuki", "J. Suzuki",
    "Jún Suzuki" are variants; "Jiro Suzuki" is not a variant of "Jun Suzuki"). Case and accents never matter."""
    asked, found = _name_words(query), _name_words(name)
    if not asked or not found or asked[-1] != found[-1] or (len(asked) > 1) != (len(found) > 1):
        return False
    for mine, theirs in zip(asked[:-1], found[:-1], strict=False):
        short, long = sorted((mine, theirs), key=len)
        if short != long and not (len(short) == 1 and long.startswith(short)):
            return False
    return True
