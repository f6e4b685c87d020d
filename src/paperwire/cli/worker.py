"""`paperwire worker [--once] [--json]`: the scheduler (ingest, index, trending, digests)."""

from __future__ import annotations

import typer

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.worker import Worker


def worker(
    once: bool = typer.Option(False, "--once", help="Run the due jobs once and exit."),
    json_output: bool = typer.Option(False, "--json", help="Print the job rows as JSON (with --once)."),
) -> None:
    """Run scheduled jobs; a second worker exits with an error while the first holds the lease."""
    services = _common.services()
    require_schema(services.engine)
    runner = Worker(services)
    if not once:
        runner.run_forever()
        return
    try:
        results = runner.run_once()
    finally:
        runner.release()
    if json_output:
        _common.print_json(results)
        return
    for result in results:
        _common.console.print(f"{result['job']}: {result['status']} {result['counts']}", highlight=False, markup=False)
    if any(r["status"] == "failed" for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
