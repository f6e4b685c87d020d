"""Ingest runs per source: wire a parser to the service with the right checkpoint key."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from paperwire.errors import InvalidInput, NotFound
from paperwire.ingest import api, files, oai, rss
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.interfaces import Parsed
from paperwire.ingest.service import IngestReport, IngestService, ProgressCallback
from paperwire.storage.checkpoints import Checkpoint, load_checkpoint


def file_key(path: Path) -> str:
    """A file is the same input while its absolute path, size and mtime are unchanged."""
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def ingest_files(
    service: IngestService,
    paths: list[Path],
    fmt: str = "auto",
    *,
    strict: bool = False,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest files one after another into one report; each file resumes from its own checkpoint."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise NotFound(f"no such file: {', '.join(missing)}")
    formats = {path: files.detect_format(path) if fmt == "auto" else fmt for path in paths}
    report = IngestReport(source="file:" + ",".join(sorted(set(formats.values()))))
    for path in paths:
        _ingest_one_file(service, path, formats[path], report, strict, dry_run, on_progress)
    return report


def _ingest_one_file(
    service: IngestService,
    path: Path,
    fmt: str,
    report: IngestReport,
    strict: bool,
    dry_run: bool,
    on_progress: ProgressCallback | None,
) -> None:
    key = file_key(path)
    previous = service.run(lambda conn: load_checkpoint(conn, "file", key))
    start = int(previous.position or 0) if previous else 0
    if start:
        report.resumed_from = f"{path}@{start}"
    checkpoint: Callable[[Parsed], Checkpoint] = lambda last: Checkpoint(  # noqa: E731
        "file", key, str(last.position), state={"format": fmt, "path": os.fspath(path)}
    )
    items = files.read_file(path, fmt, start_position=start)
    service.ingest(items, report, checkpoint_for=checkpoint, strict=strict, dry_run=dry_run, on_progress=on_progress)
    service.finish("file", key, dry_run=dry_run)


def ingest_oai(
    service: IngestService,
    client: ArxivHttpClient,
    set_spec: str | None,
    from_date: str | None = None,
    metadata_prefix: str = "arXiv",
    *,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Harvest page by page; each page commits with its resumption token and newest datestamp.

    Without --from, a harvest continues from the datestamp the last finished harvest reached.
    An expired resumption token restarts from the checkpointed datestamp (upserts are idempotent).
    """
    if metadata_prefix not in oai.METADATA_PREFIXES:
        raise InvalidInput(f"--prefix must be one of {', '.join(oai.METADATA_PREFIXES)}, got {metadata_prefix!r}")
    key = f"{set_spec or '*'}|{metadata_prefix}"
    previous = service.run(lambda conn: load_checkpoint(conn, "oai", key))
    token = previous.position if previous else None
    datestamp = (previous.datestamp if previous else None) or from_date
    start = from_date if from_date and not token else datestamp
    report = IngestReport(source=f"oai:{key}", resumed_from=token)
    started = time.perf_counter()
    for attempt in range(3):
        try:
            datestamp = _harvest_pages(
                service, client, report, key, set_spec, start, metadata_prefix, token, dry_run, on_progress
            )
            break
        except oai.ExpiredResumptionToken:
            if attempt == 2:
                raise
            saved = service.run(lambda conn: load_checkpoint(conn, "oai", key))
            start, token = (saved.datestamp if saved else None) or start, None
    if not dry_run:
        service.save(Checkpoint("oai", key, None, datestamp, state={"finished": True}))
    report.elapsed_s = time.perf_counter() - started
    return report


def _harvest_pages(
    service: IngestService,
    client: ArxivHttpClient,
    report: IngestReport,
    key: str,
    set_spec: str | None,
    start: str | None,
    metadata_prefix: str,
    token: str | None,
    dry_run: bool,
    on_progress: ProgressCallback | None,
) -> str | None:
    newest = start
    for page in oai.harvest(client, set_spec, start, metadata_prefix, resumption_token=token):
        if page.max_datestamp and (newest is None or page.max_datestamp.isoformat() > newest):
            newest = page.max_datestamp.isoformat()
        report.skipped += page.deleted
        checkpoint = Checkpoint("oai", key, page.resumption_token, newest, state={"set": set_spec})
        service.write_batch(page.records, report, checkpoint, dry_run=dry_run)
        if on_progress:
            on_progress(len(page.records))
    return newest


Page = tuple[list[Parsed], Checkpoint | None]


def _write_pages(
    service: IngestService,
    pages: Iterable[Page],
    report: IngestReport,
    dry_run: bool,
    on_progress: ProgressCallback | None,
) -> None:
    """Each page commits as one batch together with its checkpoint."""
    started = time.perf_counter()
    for records, checkpoint in pages:
        service.write_batch(records, report, checkpoint, dry_run=dry_run)
        if on_progress:
            on_progress(len(records))
    report.elapsed_s += time.perf_counter() - started


def ingest_api(
    service: IngestService,
    client: ArxivHttpClient,
    category: str,
    days: int,
    *,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """A category's submissions of the last `days` days from the arXiv API, page by page."""
    if days < 1 or days > 90:
        raise InvalidInput(f"--days must be between 1 and 90, got {days}")
    key = f"{category}|{days}"
    report = IngestReport(source=f"api:{category}")
    pages = (
        (page.records, Checkpoint("api", key, str(page.start + len(page.records))))
        for page in api.search_category(client, category, days)
    )
    _write_pages(service, pages, report, dry_run, on_progress)
    if not dry_run:
        service.save(Checkpoint("api", key, None, datetime.now(UTC).date().isoformat(), state={"finished": True}))
    return report


def ingest_ids(
    service: IngestService, client: ArxivHttpClient, ids: list[str], *, dry_run: bool = False
) -> IngestReport:
    """Look papers up by id in the arXiv API (paper submissions use this)."""
    report = IngestReport(source="api:id_list")
    _write_pages(service, ((page.records, None) for page in api.fetch_ids(client, ids)), report, dry_run, None)
    return report


def ingest_rss(
    service: IngestService,
    client: ArxivHttpClient,
    category: str,
    *,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Today's announcements (new, cross-lists, replacements) of one category: sets announce dates."""
    report = IngestReport(source=f"rss:{category}")
    listing = rss.fetch_listing(client, category)
    checkpoint = Checkpoint("rss", category, None, datetime.now(UTC).date().isoformat())
    _write_pages(service, [(listing, checkpoint)], report, dry_run, on_progress)
    return report
