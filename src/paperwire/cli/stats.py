"""`paperwire stats`."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.search.artifact import index_summary
from paperwire.storage.db import read_only
from paperwire.storage.stats import collect_stats


def stats(json_output: bool = typer.Option(False, "--json", help="Print a JSON report.")) -> None:
    """Papers, users, votes, comments, submissions, subscribers, last ingest, the index, digests, job runs."""
    engine = _common.engine()
    require_schema(engine)
    with read_only(engine) as conn:
        report = collect_stats(conn)
    report["index"] = index_summary(_common.settings().index_dir)
    if json_output:
        _common.print_json(report)
        return
    table = Table("", "", show_header=False, title="paperwire")
    for key in ("papers", "versions", "authors", "newest_announced", "newest_published", "last_ingest"):
        table.add_row(key, _cell(report[key]))
    for key, value in report["community"].items():
        table.add_row(key, f"{value:,}")
    subscribers = report["digest"]["subscribers"]
    table.add_row("subscribers", ", ".join(f"{k} {v:,}" for k, v in subscribers.items()) or "none")
    last = report["digest"]["last_edition"]
    table.add_row("last digest", f"{last['day']} ({last['status']})" if last else "none yet")
    index = report["index"]
    table.add_row(
        "index",
        f"{index['papers']:,} papers, seq {index['seq']}, {index['embedder'] or 'no embedder'}, "
        f"built {index['built_at']}"
        if index
        else "none: run `paperwire index update`",
    )
    for job, run in report["job_runs"].items():
        table.add_row(f"job {job}", f"{run['status']}, started {_cell(run['started_at'])}")
    _common.console.print(table)
    categories = Table("category", "papers")
    for category, count in report["by_category"].items():
        categories.add_row(category, f"{count:,}")
    _common.console.print(categories)


def _cell(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return f"{value:,}" if isinstance(value, int) else str(value)


def register(root: typer.Typer) -> None:
    root.command("stats")(stats)
