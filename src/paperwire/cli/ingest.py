"""`paperwire ingest file | oai | api | rss`: adapt the ingest service, print counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.ingest import sources
from paperwire.ingest.service import IngestReport, IngestService

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
    engine = _common.engine()
    require_schema(engine)
    return IngestService(engine)


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
    )


@app.command("file")
def ingest_file(
    path: Path = typer.Argument(..., help="A JSON-lines or JSON file, plain or gzipped."),
    fmt: str = typer.Option("auto", "--format", help=f"Input format: {FORMATS}."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first bad record instead of skipping it."),
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Ingest a file (Kaggle snapshot, daily listing, OAI oai_dc, HF daily papers, generic JSONL)."""
    ingest = service()
    with _progress(f"ingest {path.name}") as advance:
        report = sources.ingest_file(ingest, path, fmt, strict=strict, dry_run=dry_run, on_progress=advance)
    print_report(report, json_output)
