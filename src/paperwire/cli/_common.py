"""Shared CLI plumbing: settings, the services, consoles, JSON output, progress bars."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine

from paperwire.config import Settings, load_settings

if TYPE_CHECKING:
    from paperwire.search.service import SearchService
    from paperwire.services import Services

console = Console()
err_console = Console(stderr=True)


@cache
def settings() -> Settings:
    return load_settings()


@cache
def services() -> Services:
    """The one Services object of this process (paperwire.services.build_services)."""
    from paperwire.services import build_services

    return build_services(settings())


@cache
def search() -> SearchService:
    """The search service alone, for `paperwire search` / `similar`: the same construction build_services
    uses, without importing the mail, digest, community and ingest services (cold start, docs/search.md)."""
    from paperwire.services import build_search

    return build_search(settings())


def engine() -> Engine:
    return services().engine


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def progress(unit: str = "records") -> Progress:
    """A Rich progress bar with rate and ETA, drawn on stderr so --json stdout stays clean."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}" + f" {unit}/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal,
    )
