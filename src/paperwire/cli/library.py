"""`paperwire library import|export`: an operator fills a user's collection from a BibTeX file or a list
of arXiv ids, or writes a user's library or one collection as BibTeX, RIS, CSL-JSON or JSON lines (the
CLI twins of the collection page's Import form and the Export links; same service, same bytes)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import typer
from sqlalchemy import Engine

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.community.library import ImportReport, LibraryService
from paperwire.community.library_export import Export, check_format
from paperwire.community.operators import find_account
from paperwire.domain.citations import EXPORT_FORMATS
from paperwire.errors import InvalidInput, NotFound, PaperwireError
from paperwire.storage.users import User

library_app = typer.Typer(help="Users' libraries and collections (operators).", no_args_is_help=True)


@library_app.command("import")
def import_file(
    user: str = typer.Argument(..., help="Account id or e-mail address."),
    collection: str = typer.Argument(..., help="The collection's name (or id)."),
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
    text = path.read_text(encoding="utf-8", errors="replace")
    report = library.import_named(account, collection, text, create=create, dry_run=dry_run)
    if json_output:
        _common.print_json(report.as_dict())
        return
    _common.console.print(_import_summary(report), highlight=False, markup=False, soft_wrap=True)
    for error in report.errors:
        _common.err_console.print(f"line {error['line']}: {error['error']}", highlight=False, markup=False)


def _import_summary(report: ImportReport) -> str:
    """'Imported 2 paper(s) (1 from arXiv); 1 already there; 1 skipped.', or what a dry run would do."""
    verb = "Would import" if report.dry_run else "Imported"
    if report.created:
        made = "Would create" if report.dry_run else "Created"
        verb = f"{made} collection {report.collection!r} and {'import' if report.dry_run else 'imported'}"
    fetched = f" ({len(report.fetched)} from arXiv)" if report.fetched else ""
    counts = f"{len(report.already)} already there; {len(report.errors)} skipped."
    return f"{verb} {len(report.added)} paper(s){fetched}; {counts}"


@library_app.command("export")
def export(
    user: str = typer.Option(..., "--user", help="Account id or e-mail address."),
    collection: str = typer.Option(
        "", "--collection", help="A collection's name or id (default: the whole library, notes included)."
    ),
    fmt: str = typer.Option("bibtex", "--format", help=f"One of {', '.join(EXPORT_FORMATS)}."),
    output: Path | None = typer.Option(
        None, "--output", "-o", dir_okay=False, help="Write to this file (atomically) instead of stdout."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be written; write nothing."),
    json_output: bool = typer.Option(
        False, "--json", help="Print a JSON report instead of the export (with no --output, the export is its text)."
    ),
) -> None:
    """Export a user's library or one collection: the same bytes as the web's Export links."""
    check_format(fmt)
    services = _common.services()
    require_schema(services.engine)
    account = _account(services.engine, user)
    library = services.community.library
    collection_id = _collection_id(library, account, collection) if collection else None
    done = library.export(account, fmt, collection_id)
    if output is not None and not dry_run:
        write_atomically(output, done.body)
    if json_output:
        _common.print_json(_export_report(done, fmt, output, dry_run, collection_id))
    elif dry_run or output is not None:
        verb = "would write" if dry_run else "wrote"
        where = str(output) if output is not None else "stdout"
        _common.err_console.print(
            f"{verb} {done.papers} paper(s), {len(done.body):,} bytes of {fmt} to {where}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(done.body)
        sys.stdout.buffer.flush()


def _account(engine: Engine, ref: str) -> User:
    try:
        return find_account(engine, ref)
    except NotFound as error:  # a value the operator typed: a usage error (exit 2)
        raise InvalidInput(f"--user: {error}") from None


def _collection_id(library: LibraryService, account: User, ref: str) -> int:
    try:
        return library.find_collection(account, ref).id
    except NotFound as error:
        raise InvalidInput(f"--collection: {error} (see the library page or the account export)") from None


def _export_report(
    done: Export, fmt: str, output: Path | None, dry_run: bool, collection: int | None
) -> dict[str, object]:
    report: dict[str, object] = {
        "format": fmt,
        "collection": collection,
        "papers": done.papers,
        "bytes": len(done.body),
        "output": str(output) if output is not None else None,
        "dry_run": dry_run,
    }
    if output is None and not dry_run:
        report["text"] = done.text
    return report


def write_atomically(path: Path, data: bytes) -> None:
    """A temp file beside `path`, fsynced, then renamed over it: a reader sees the old file or the new one."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise PaperwireError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def register(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
