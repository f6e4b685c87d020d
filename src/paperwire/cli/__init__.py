"""The paperwire command line: one Typer sub-app per noun, each adapting a service.

Exit codes: 0 done, 1 failed (a PaperwireError, printed as one line), 2 usage error (a bad option,
argument or value, also printed as one line: never a traceback or a framed box).
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

# Typer vendors its own click: its exceptions are the ones raised in non-standalone mode.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from paperwire import __version__
from paperwire.cli import _common
from paperwire.errors import InvalidInput, PaperwireError
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
    "mail": "mail",
    "map": "map",
    "library": "library",
}
MODULES = (
    "db",
    "ingest",
    "stats",
    "search",
    "index",
    "evaluate",
    "serve",
    "users",
    "digest",
    "worker",
    "mail",
    "map",
    "library",
)


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


def _show_version(value: bool) -> None:
    if value:
        _common.console.print(f"paperwire {__version__}", highlight=False)
        raise typer.Exit()


def _group(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    pass


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the complete app, for docs and tests
        return build_app()
    raise AttributeError(name)


def _fail(message: str, code: int) -> None:
    _common.err_console.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(code)


def _usage_message(error: UsageError) -> str:
    where = error.ctx.command_path if error.ctx is not None else "paperwire"
    text = " ".join(error.format_message().split())  # one line, whatever click wrapped
    return f"{where}: {text} (see `{where} --help`)"


def main() -> None:
    try:
        # Warnings and errors on stderr; long-running commands (serve, worker) lower the level themselves.
        configure_logging(json_output=not _common.settings().dev_mode, level=logging.WARNING)
        first = sys.argv[1] if len(sys.argv) > 1 else ""
        app = build_app((COMMAND_MODULES[first],) if first in COMMAND_MODULES else MODULES)
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as error:
        error.show()  # a group without a subcommand: its help, on stderr
        sys.exit(2)
    except UsageError as error:
        _fail(_usage_message(error), 2)
    except ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except typer.Abort:
        _fail("aborted", 1)
    except InvalidInput as error:  # a bad value that the command itself refused
        _fail(str(error), 2)
    except PaperwireError as error:
        _fail(str(error), 1)
    sys.exit(code if isinstance(code, int) else 0)
