"""`paperwire stats`."""

from __future__ import annotations

import typer
from rich.table import Table

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.storage.db import read_only
from paperwire.storage.stats import collect_stats


def stats(json_output: bool = typer.Option(False, "--json", help="Print a JSON report.")) -> None:
    """Papers, versions, authors, papers per category, newest announce date."""
    engine = _common.engine()
    require_schema(engine)
    with read_only(engine) as conn:
        report = collect_stats(conn)
    if json_output:
        _common.print_json(report)
        return
    table = Table(show_header=False)
    for key in ("papers", "versions", "authors", "newest_announced", "newest_published"):
        table.add_row(key, str(report[key]))
    _common.console.print(table)
    categories = Table("category", "papers")
    for category, count in report["by_category"].items():
        categories.add_row(category, str(count))
    _common.console.print(categories)


def register(root: typer.Typer) -> None:
    root.command("stats")(stats)
