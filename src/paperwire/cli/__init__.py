"""The paperwire command line: one Typer sub-app per noun, each adapting a service.

Exit codes: 0 done, 1 failed (a PaperwireError, printed as one line), 2 usage error.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from paperwire.cli import _common
from paperwire.errors import PaperwireError
from paperwire.logging import configure_logging

# Which module provides each top-level command: `main` imports only the one it needs, so a command
# does not pay for importing numpy/torch/jinja of the others (startup ~0.3 s instead of ~1 s).
COMMAND_MODULES = {
    "db": "db",
    "ingest": "ingest",
    "stats": "stats",
    "search": "search",
    "similar": "search",
    "index": "index",
    "eval": "evaluate",
    "serve": "serve",
    "users": "users",
    "digest": "digest",
    "subscribers": "digest",
    "worker": "worker",
}
MODULES = ("db", "ingest", "stats", "search", "index", "evaluate", "serve", "users", "digest", "worker")


def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The `paperwire` Typer app with the commands of `modules` (all by default)."""
    app = typer.Typer(
        name="paperwire",
        help="paperwire: self-hostable trending research papers. Database: $PAPERWIRE_DATABASE_URL "
        "(default sqlite:///paperwire.db in the current directory).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_group)  # a group even when only one command is registered
    for name in modules:
        importlib.import_module(f"paperwire.cli.{name}").register(app)
    return app


def _group() -> None:
    pass


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the complete app, for docs and tests
        return build_app()
    raise AttributeError(name)


def main() -> None:
    try:
        # Warnings and errors on stderr; long-running commands (serve, worker) lower the level themselves.
        configure_logging(json_output=not _common.settings().dev_mode, level=logging.WARNING)
        first = sys.argv[1] if len(sys.argv) > 1 else ""
        build_app((COMMAND_MODULES[first],) if first in COMMAND_MODULES else MODULES)()
    except PaperwireError as error:
        _common.err_console.print(f"error: {error}", highlight=False, markup=False)
        sys.exit(1)
