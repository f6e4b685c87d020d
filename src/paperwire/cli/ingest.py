"""`paperwire ingest file | oai | api | rss`: adapt the ingest service, print counts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import typer

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.errors import UpstreamUnavailable
from paperwire.ingest import sample, sources
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.service import IngestReport, IngestService
from paperwire.storage import documents
from paperwire.storage.spacing import shared_spacing

log = logging.getLogger(__name__)

app = typer.Typer(help="Ingest papers from files or arXiv (OAI-PMH, API, RSS).", no_args_is_help=True)

FORMATS = "auto|kaggle|listing|oai-dc|hf-daily|jsonl"
JSON_OPTION = typer.Option(False, "--json", help="Print a JSON report.")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Parse and compare with the database; write nothing.")


@contextmanager
def _progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    with _common.progress() as bar:
        task = bar.add_task(description, total=total, rate="0")

        def advance(count: int) -> None:
            bar.advance(task, count)
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = bar.tasks[task].completed / elapsed if elapsed else 0.0
            bar.update(task, rate=f"{rate:,.0f}")

        yield advance


def service() -> IngestService:
    services = _common.services()
    require_schema(services.engine)
    return services.ingest


def print_report(report: IngestReport, json_output: bool) -> None:
    data = report.as_dict()
    if json_output:
        _common.print_json(data)
        return
    for error in report.errors[:20]:
        _common.err_console.print(f"skipped {error}", markup=False, highlight=False)
    if len(report.errors) > 20:
        _common.err_console.print(f"... and {len(report.errors) - 20} more bad records")
    prefix = "dry run: would have " if report.dry_run else ""
    _common.console.print(
        f"{prefix}read {data['read']:,}, inserted {data['inserted']:,}, updated {data['updated']:,}, "
        f"unchanged {data['unchanged']:,}, skipped {data['skipped']:,}, errors {len(report.errors):,} "
        f"in {data['elapsed_s']:.1f} s" + (f" (resumed at {report.resumed_from})" if report.resumed_from else ""),
        highlight=False,
        soft_wrap=True,
    )


@app.command("file")
def ingest_file(
    paths: list[Path] = typer.Argument(..., help="JSON-lines or JSON files, plain or gzipped."),
    fmt: str = typer.Option("auto", "--format", help=f"Input format: {FORMATS}."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first bad record instead of skipping it."),
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Ingest files (Kaggle snapshot, daily listing, OAI oai_dc, HF daily papers, generic JSONL).

    Resumable: after a crash, the same command continues after the last committed batch.
    """
    ingest = service()
    label = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
    with _progress(f"ingest {label}") as advance:
        report = sources.ingest_files(ingest, paths, fmt, strict=strict, dry_run=dry_run, on_progress=advance)
    print_report(report, json_output)


@app.command("oai")
def ingest_oai(
    set_spec: str = typer.Option(None, "--set", help="OAI set, e.g. cs or cs:cs:LG (default: all)."),
    from_date: str = typer.Option(
        None, "--from", help="YYYY-MM-DD; default: where the last harvest of this set stopped."
    ),
    prefix: str = typer.Option("arXiv", "--prefix", help="Metadata format: arXiv or arXivRaw."),
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Harvest arXiv OAI-PMH ListRecords (resumable: rerun the same command after a crash)."""
    ingest = service()
    with (
        ArxivHttpClient(_common.settings(), spacing=shared_spacing(ingest.engine)) as client,
        _progress(f"oai {set_spec or 'all'}") as advance,
    ):
        report = sources.ingest_oai(ingest, client, set_spec, from_date, prefix, dry_run=dry_run, on_progress=advance)
    print_report(report, json_output)


@app.command("api")
def ingest_api(
    category: str = typer.Option(..., "--category", help="arXiv category, e.g. cs.LG."),
    days: int = typer.Option(2, "--days", help="How many days back (1-90), today included."),
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Ingest a category's recent submissions from the arXiv API."""
    ingest = service()
    with (
        ArxivHttpClient(_common.settings(), spacing=shared_spacing(ingest.engine)) as client,
        _progress(f"api {category}") as advance,
    ):
        report = sources.ingest_api(ingest, client, category, days, dry_run=dry_run, on_progress=advance)
    print_report(report, json_output)


@app.command("rss")
def ingest_rss(
    category: str = typer.Argument(..., help="arXiv category, e.g. cs.LG."),
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Ingest today's arXiv listing of a category (sets announce dates)."""
    ingest = service()
    with ArxivHttpClient(_common.settings(), spacing=shared_spacing(ingest.engine)) as client:
        report = sources.ingest_rss(ingest, client, category, dry_run=dry_run)
    print_report(report, json_output)


@app.command("sample")
def ingest_sample(
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Load the built-in sample (recent arXiv cs papers with precomputed embeddings; works offline)."""
    ingest = service()
    with _progress("sample") as advance:
        result = sample.load_sample(ingest, dry_run=dry_run, on_progress=advance)
    if json_output:
        _common.print_json(result.as_dict())
        return
    print_report(result.ingest, json_output=False)
    verb = "would store" if dry_run else "stored"
    _common.console.print(
        f"{verb} {result.vectors:,} precomputed vectors ({result.manifest.model})", highlight=False, soft_wrap=True
    )


@app.command("recent")
def ingest_recent(
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Ingest the last PAPERWIRE_SERVE_INGEST_DAYS days of PAPERWIRE_ARXIV_CATEGORIES (used by `make serve`).

    When arXiv is unreachable it says so in one sentence and exits 0, so the site still starts; if the
    database is empty it then loads the built-in sample (`paperwire ingest sample`).
    """
    reports = refresh_recent(dry_run=dry_run, json_output=json_output)
    if json_output:
        _common.print_json(reports)


def refresh_recent(*, dry_run: bool = False, json_output: bool = False) -> list[dict[str, object]]:
    """The work of `ingest recent` (also run by `paperwire serve --prepare`): one report per category,
    or the offline report (sample loaded, or the database kept)."""
    settings = _common.settings()
    ingest = service()
    reports: list[dict[str, object]] = []
    try:  # one retry only: offline, `make serve` should start quickly
        with ArxivHttpClient(
            replace(settings, http_retries=1), backoff_base_s=1.0, spacing=shared_spacing(ingest.engine)
        ) as client:
            for category in settings.arxiv_categories:
                report = sources.ingest_api(ingest, client, category, settings.serve_ingest_days, dry_run=dry_run)
                reports.append(report.as_dict())
                if not json_output:
                    print_report(report, json_output=False)
    except UpstreamUnavailable as error:
        log.info("ingest.recent_unreachable", extra={"reason": str(error)})
        reports.append(_offline(ingest, dry_run, json_output))
    return reports


def _offline(ingest: IngestService, dry_run: bool, json_output: bool) -> dict[str, object]:
    """arXiv is unreachable: load the sample into an empty database, or keep what the database has."""
    held = documents.count_papers(ingest.engine)
    if held:
        papers = f"{held:,} paper{'s' if held != 1 else ''}"
        message = f"arXiv is unreachable, so paperwire serves the {papers} already in the database."
        result: dict[str, object] = {"source": "database", "papers": held, "arxiv_reachable": False}
    else:
        loaded = sample.load_sample(ingest, dry_run=dry_run)
        would = "would load" if dry_run else "loaded"
        message = f"arXiv is unreachable, so paperwire {would} its built-in sample of {loaded.summary()}."
        result = loaded.as_dict() | {"arxiv_reachable": False}
    if not json_output:
        _common.err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    return result


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ingest")
