"""Everything one claimed batch needs to render its messages, in three queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from paperwire.storage import digest_ledger as ledger
from paperwire.storage import reader
from paperwire.storage import subscribers as repo
from paperwire.storage.db import read_only
from paperwire.storage.digest_ledger import SendRow
from paperwire.storage.reader import PaperRow
from paperwire.storage.subscribers import Subscriber


@dataclass(frozen=True)
class BatchData:
    day: date
    subscribers: dict[int, Subscriber]
    papers: dict[str, PaperRow]


def load_batch(engine: Engine, rows: Sequence[SendRow]) -> BatchData:
    paper_ids = sorted({item["id"] for row in rows for item in row.items})
    with read_only(engine) as conn:
        day = ledger.edition_day(conn, rows[0].edition_id)
        return BatchData(
            day, repo.get_many(conn, [r.subscriber_id for r in rows]), reader.papers_by_id(conn, paper_ids)
        )
