"""`paperwire index update | rebuild`: embed what is missing, then write the search index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

import typer
from rich.progress import TaskID

from paperwire.cli import _common
from paperwire.search.service import IndexReport, Progress

app = typer.Typer(help="Build the search index (a derived artifact in PAPERWIRE_INDEX_DIR).", no_args_is_help=True)
JSON_OPTION = typer.Option(False, "--json", help="Print a JSON report.")
LABELS = {"embed": "embedding", "index": "indexing"}


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """One Rich task per stage, with papers/s."""
    with _common.progress("papers") as bar:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, count: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(LABELS.get(stage, stage), total=total, rate="0")
            task = tasks[stage]
            bar.advance(task, count)
            elapsed = bar.tasks[task].elapsed or 0.0
            bar.update(task, rate=f"{bar.tasks[task].completed / elapsed if elapsed else 0:,.0f}")

        yield advance


def _run(build: Callable[[Progress], IndexReport], json_output: bool) -> None:
    with progress_bar() as advance:
        report = build(advance)
    if json_output:
        _common.print_json(asdict(report))
        return
    _common.console.print(
        f"indexed {report.papers:,} papers ({report.embedded:,} newly embedded); index holds {report.total:,} "
        f"papers up to seq {report.seq} ({'rebuilt' if report.rebuilt else 'updated'} in {report.seconds:.1f} s)",
        highlight=False,
    )


@app.command("update")
def update(json_output: bool = JSON_OPTION) -> None:
    """Embed new or changed papers and add papers changed since the last run (seq) to the index."""
    from paperwire.cli.search import search_service

    _run(search_service().update_index, json_output)


@app.command("rebuild")
def rebuild(json_output: bool = JSON_OPTION) -> None:
    """Rebuild the whole index from the database (stored vectors are reused, never re-embedded)."""
    from paperwire.cli.search import search_service

    _run(search_service().rebuild_index, json_output)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="index")
