"""Ingest runs per source: wire a parser to the service with the right checkpoint key."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from paperwire.errors import NotFound
from paperwire.ingest import files
from paperwire.ingest.interfaces import Parsed
from paperwire.ingest.service import IngestReport, IngestService, ProgressCallback
from paperwire.storage.checkpoints import Checkpoint, load_checkpoint


def file_key(path: Path) -> str:
    """A file is the same input while its absolute path, size and mtime are unchanged."""
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def ingest_file(
    service: IngestService,
    path: Path,
    fmt: str = "auto",
    *,
    strict: bool = False,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    if not path.is_file():
        raise NotFound(f"{path}: no such file")
    fmt = files.detect_format(path) if fmt == "auto" else fmt
    key = file_key(path)
    previous = service.run(lambda conn: load_checkpoint(conn, "file", key))
    start = int(previous.position or 0) if previous else 0
    report = IngestReport(source=f"file:{fmt}", resumed_from=str(start) if start else None)
    checkpoint: Callable[[Parsed], Checkpoint] = lambda last: Checkpoint(  # noqa: E731
        "file", key, str(last.position), state={"format": fmt, "path": os.fspath(path)}
    )
    items = files.read_file(path, fmt, start_position=start)
    service.ingest(items, report, checkpoint_for=checkpoint, strict=strict, dry_run=dry_run, on_progress=on_progress)
    service.finish("file", key, dry_run=dry_run)
    return report
