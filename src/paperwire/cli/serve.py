"""`paperwire serve`: run the web app under uvicorn (one process, or N worker processes)."""

from __future__ import annotations

import typer

from paperwire.cli import _common
from paperwire.cli._guard import require_schema

APP_FACTORY = "paperwire.web.asgi:app"


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (each has its own cache)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
    log_level: str = typer.Option("info", "--log-level", help="critical | error | warning | info | debug"),
    prepare: bool = typer.Option(
        False,
        "--prepare",
        help="First migrate the database, ingest recent papers (the built-in sample when offline and empty) and "
        "update the search index, in this one process (what `make serve` runs).",
    ),
) -> None:
    """Serve the web site, JSON API and feeds (settings from PAPERWIRE_* variables)."""
    import uvicorn

    if prepare:
        _prepare()
    require_schema(_common.engine())
    _common.err_console.print(f"paperwire: serving on http://{host}:{port} with {workers} worker(s)", highlight=False)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level=log_level,
        proxy_headers=True,
    )


def _prepare() -> None:
    """`db upgrade`, `ingest recent` and `index update` without three more interpreter start-ups (each
    ~1.5 s of CPU for imports alone; the second `make serve` took 26 s as four processes)."""
    from paperwire.cli.index import update
    from paperwire.cli.ingest import refresh_recent
    from paperwire.storage import migrate

    engine = _common.engine()
    if migrate.current_revisions(engine) != migrate.head_revisions():
        migrate.upgrade(engine)
        _common.console.print("Database migrated to the newest schema.")
    refresh_recent()
    update(json_output=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
