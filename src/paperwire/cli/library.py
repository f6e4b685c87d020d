"""`paperwire library import`: an operator fills a user's collection from a BibTeX file or a list of
arXiv ids (the CLI twin of the collection page's Import form; same service, same report)."""

from __future__ import annotations

from pathlib import Path

import typer

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.community.operators import find_account

library_app = typer.Typer(help="Users' libraries and collections (operators).", no_args_is_help=True)


@library_app.command("import")
def import_file(
    user: str = typer.Argument(..., help="Account id or e-mail address."),
    collection: str = typer.Argument(..., help="The collection's name."),
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="A .bib file or arXiv ids, one per line."
    ),
    create: bool = typer.Option(False, "--create", help="Create the collection when the user has none of that name."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Parse and check; fetch and change nothing."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import arXiv papers into a collection; bad entries are reported by line and skipped."""
    services = _common.services()
    require_schema(services.engine)
    library = services.community.library
    account = find_account(services.engine, user)
    collection_id = library.collection_named(account, collection, create=create and not dry_run)
    report = library.import_into(
        account, collection_id, path.read_text(encoding="utf-8", errors="replace"), dry_run=dry_run
    )
    if json_output:
        _common.print_json(report.as_dict())
        return
    verb = "Would import" if dry_run else "Imported"
    _common.console.print(
        f"{verb} {len(report.added)} paper(s); {len(report.already)} already there; {len(report.errors)} skipped."
    )
    for error in report.errors:
        _common.err_console.print(f"line {error['line']}: {error['error']}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
