"""Reading a library import: a BibTeX file, or a list of arXiv ids / abs or pdf URLs (one per line).

Each entry yields an arXiv id or an error naming its line; nothing here touches the database.
A BibTeX entry is found by its `eprint` (with archivePrefix arXiv or an arXiv-shaped value), an
arxiv.org `url`, or a DOI of the form 10.48550/arXiv.<id>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bibtexparser.entrypoint import parse_string

from paperwire.domain.papers import parse_arxiv_id

MAX_ENTRIES = 2000
_ENTRY_START = re.compile(r"^\s*@(\w+)\s*[{(]", re.MULTILINE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportLine:
    line: int
    arxiv_id: str | None
    error: str | None = None


def is_bibtex(text: str) -> bool:
    return _ENTRY_START.search(text) is not None


def parse_import(text: str) -> list[ImportLine]:
    """One ImportLine per entry (BibTeX) or non-empty line (id list), in file order."""
    lines = parse_bibtex(text) if is_bibtex(text) else parse_id_list(text)
    if len(lines) > MAX_ENTRIES:
        return [ImportLine(1, None, f"at most {MAX_ENTRIES} entries per import, got {len(lines)}")]
    return lines


def parse_id_list(text: str) -> list[ImportLine]:
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        value = raw.strip().rstrip(",")
        if not value or value.startswith("#"):
            continue
        try:
            found.append(ImportLine(number, parse_arxiv_id(value).id))
        except ValueError:
            found.append(ImportLine(number, None, f"not an arXiv id or arXiv URL: {value[:80]!r}"))
    return found


def _entry_id(fields: dict[str, str]) -> str | None:
    candidates = [fields.get("eprint", ""), fields.get("url", ""), fields.get("arxivid", "")]
    doi = _ARXIV_DOI.search(fields.get("doi", "").strip())
    if doi:
        candidates.append(doi.group(1))
    for value in candidates:
        value = value.strip()
        if value:
            try:
                return parse_arxiv_id(value).id
            except ValueError:
                continue
    return None


def parse_bibtex(text: str) -> list[ImportLine]:
    """bibtexparser keeps going after a broken block and says where it started, so one broken entry
    costs only itself (reported by its first line)."""
    library = parse_string(text)
    found = [
        ImportLine(
            (block.start_line or 0) + 1, None, "not a complete BibTeX entry (unbalanced braces or a missing key)"
        )
        for block in library.failed_blocks
    ]
    for entry in library.entries:
        arxiv_id = _entry_id({key.lower(): str(field.value) for key, field in entry.fields_dict.items()})
        error = None if arxiv_id else f"entry {entry.key!r} has no arXiv id (eprint, url or doi)"
        found.append(ImportLine((entry.start_line or 0) + 1, arxiv_id, error))
    return sorted(found, key=lambda line: line.line)
