"""Code and docs agree: every setting and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from paperwire.cli import app
from paperwire.config import setting_names

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    missing = [name for name in setting_names() if f"`{name}`" not in text]
    assert missing == []


def _commands(group: Any, prefix: str = "paperwire") -> list[tuple[str, Any]]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found.append((path, command))
        if hasattr(command, "commands"):  # a group (Typer vendors its own click classes)
            found.extend(_commands(command, path))
    return found


def test_every_cli_command_has_help_and_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    commands = _commands(typer.main.get_command(app))
    assert commands
    undocumented = [path for path, _ in commands if f"`{path}" not in text]
    without_help = [path for path, command in commands if not (command.help or command.short_help)]
    assert undocumented == []
    assert without_help == []
