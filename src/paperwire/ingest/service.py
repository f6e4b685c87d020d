"""The one ingest service that writes: batches of parsed records → idempotent upserts + checkpoints.

Each batch commits together with its checkpoint, so a crash at any moment followed by the same
command resumes after the last committed batch and ends in the state of an uninterrupted run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine

from paperwire.errors import PaperwireError
from paperwire.ingest.interfaces import Parsed, RecordError
from paperwire.storage.checkpoints import Checkpoint, clear_checkpoint, save_checkpoint
from paperwire.storage.papers import upsert_papers

log = logging.getLogger(__name__)
BATCH_SIZE = 2000


@dataclass
class IngestReport:
    source: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # older versions and deleted records
    errors: list[RecordError] = field(default_factory=list)
    dry_run: bool = False
    resumed_from: str | None = None
    elapsed_s: float = 0.0
    changed_ids: list[str] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [{"file": e.location, "line": e.line, "reason": e.reason} for e in self.errors],
            "dry_run": self.dry_run,
            "resumed_from": self.resumed_from,
            "elapsed_s": round(self.elapsed_s, 3),
            "records_per_s": round(self.read / self.elapsed_s, 1) if self.elapsed_s else None,
        }


class StrictModeError(PaperwireError):
    """--strict met a bad record: nothing from its batch was written (a failure of the input's content,
    not a usage error: the CLI exits 1)."""


ProgressCallback = Callable[[int], None]
CheckpointFor = Callable[[Parsed], Checkpoint]


class IngestService:
    def __init__(self, engine: Engine, batch_size: int = BATCH_SIZE) -> None:
        self.engine = engine
        self.batch_size = batch_size

    def ingest(
        self,
        items: Iterable[Parsed],
        report: IngestReport,
        *,
        checkpoint_for: CheckpointFor | None = None,
        strict: bool = False,
        dry_run: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Write `items` batch by batch; `checkpoint_for(last item)` is saved in each batch's transaction."""
        started = time.perf_counter()
        report.dry_run = dry_run
        iterator = iter(items)
        while batch := list(islice(iterator, self.batch_size)):
            checkpoint = checkpoint_for(batch[-1]) if checkpoint_for else None
            self.write_batch(batch, report, checkpoint, strict=strict, dry_run=dry_run)
            if on_progress:
                on_progress(len(batch))
        report.elapsed_s += time.perf_counter() - started
        log.info("ingest.done", extra=report.as_dict() | {"errors": len(report.errors)})
        return report

    def write_batch(
        self,
        batch: list[Parsed],
        report: IngestReport,
        checkpoint: Checkpoint | None = None,
        *,
        strict: bool = False,
        dry_run: bool = False,
    ) -> None:
        """Upsert one batch and save its checkpoint in the same transaction (all or nothing)."""
        records = []
        for item in batch:
            if item.error is not None:
                if strict:
                    raise StrictModeError(f"{item.error} (--strict: stopped; nothing from this batch was written)")
                report.errors.append(item.error)
                log.info("ingest.bad_record", extra={"where": str(item.error)})
            elif item.record is not None:
                records.append(item.record)
        report.read += len(records)
        with self.engine.connect() as conn:
            transaction = conn.begin()
            try:
                counts = upsert_papers(conn, records)
                if checkpoint is not None:
                    save_checkpoint(conn, checkpoint)
                if dry_run:
                    transaction.rollback()
                else:
                    transaction.commit()
            except BaseException:
                transaction.rollback()
                raise
        report.inserted += counts.inserted
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        report.skipped += counts.older
        report.changed_ids.extend(counts.changed_ids)

    def finish(self, source: str, key: str, dry_run: bool = False) -> None:
        """A source read to its end needs no checkpoint any more."""
        if dry_run:
            return
        with self.engine.begin() as conn:
            clear_checkpoint(conn, source, key)

    def save(self, checkpoint: Checkpoint) -> None:
        with self.engine.begin() as conn:
            save_checkpoint(conn, checkpoint)

    def run(self, fn: Callable[[Connection], Any]) -> Any:
        """Run `fn(conn)` in a transaction of its own (checkpoint reads and writes)."""
        with self.engine.begin() as conn:
            return fn(conn)
