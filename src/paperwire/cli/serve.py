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
) -> None:
    """Serve the web site, JSON API and feeds (settings from PAPERWIRE_* variables)."""
    import uvicorn

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


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
