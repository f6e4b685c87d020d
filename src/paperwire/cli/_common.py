"""Shared CLI plumbing: settings, engine, consoles, JSON output, progress bars."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

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
from paperwire.storage.db import make_engine

console = Console()
err_console = Console(stderr=True)


@cache
def settings() -> Settings:
    return load_settings()


@cache
def engine() -> Engine:
    return make_engine(settings())


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
