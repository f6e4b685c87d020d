"""The paperwire command line: one Typer sub-app per noun, each adapting a service.

Exit codes: 0 done, 1 failed (a PaperwireError, printed as one line), 2 usage error.
"""

from __future__ import annotations

import logging
import sys

import typer

from paperwire.cli import _common
from paperwire.errors import PaperwireError
from paperwire.logging import configure_logging

app = typer.Typer(
    name="paperwire",
    help="paperwire: self-hostable trending research papers. Database: $PAPERWIRE_DATABASE_URL "
    "(default sqlite:///paperwire.db in the current directory).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported here so each sub-app module can import `_common` without a cycle.
    from paperwire.cli import db, ingest, stats

    app.add_typer(db.app, name="db")
    app.add_typer(ingest.app, name="ingest")
    app.command("stats")(stats.stats)
    for optional in ("search", "index", "evaluate", "serve", "users", "digest", "worker"):
        module = _common.import_optional(f"paperwire.cli.{optional}")
        if module is not None:
            module.register(app)


_register()


def main() -> None:
    try:
        # Warnings and errors on stderr; long-running commands (serve, worker) lower the level themselves.
        configure_logging(json_output=not _common.settings().dev_mode, level=logging.WARNING)
        app()
    except PaperwireError as error:
        _common.err_console.print(f"error: {error}", highlight=False, markup=False)
        sys.exit(1)
