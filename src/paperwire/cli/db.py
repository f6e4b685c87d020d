"""`paperwire db upgrade | check`."""

from __future__ import annotations

import typer

from paperwire.cli import _common
from paperwire.storage import migrate

app = typer.Typer(help="Database schema: migrate and check for drift.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the pending revisions; change nothing."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Create or migrate the database to the newest schema."""
    engine = _common.engine()
    before = migrate.current_revisions(engine)
    heads = migrate.head_revisions()
    if not dry_run:
        migrate.upgrade(engine)
    report = {
        "before": sorted(before),
        "heads": sorted(heads),
        "changed": before != heads,
        "dry_run": dry_run,
    }
    if json_output:
        _common.print_json(report)
    elif before == heads:
        _common.console.print("Database is up to date.")
    else:
        verb = "Would upgrade" if dry_run else "Upgraded"
        _common.console.print(f"{verb} {sorted(before) or ['(empty)']} → {sorted(heads)}.")


@app.command("check")
def check(json_output: bool = typer.Option(False, "--json", help="Print a JSON report.")) -> None:
    """Fail (exit 1) unless the database is at the newest revision and matches the models."""
    engine = _common.engine()
    current = migrate.is_current(engine)
    differences = migrate.drift(engine) if current else []
    ok = current and not differences
    if json_output:
        _common.print_json({"ok": ok, "current": current, "differences": differences})
    elif ok:
        _common.console.print("OK: migrations are applied and the models match the database.")
    else:
        reason = "not at the newest revision (run `paperwire db upgrade`)" if not current else "drift"
        _common.err_console.print(f"error: database {reason}")
        for difference in differences:
            _common.err_console.print(f"  {difference}", markup=False)
    if not ok:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="db")
