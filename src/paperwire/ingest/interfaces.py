"""What parsers hand to the ingest service.

Parsers never touch the database. Each yields `Parsed` items in input order; an item carries either a
record or an error, plus the resume position *after* that item (a byte offset in the decompressed file
for files, a record index or resumption token for network sources).
"""

from __future__ import annotations

from dataclasses import dataclass

from paperwire.domain.papers import PaperRecord


@dataclass(frozen=True)
class RecordError:
    location: str  # file path or URL
    line: int  # line number (files) or record number (XML / JSON arrays), 1-based
    reason: str

    def __str__(self) -> str:
        return f"{self.location}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Parsed:
    record: PaperRecord | None
    error: RecordError | None = None
    position: int = 0  # resume position after this item
