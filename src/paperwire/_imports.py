"""Import a module by name when it exists: features register themselves (tables, views, commands, jobs)."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(name: str) -> ModuleType | None:
    """The module, or None when that module itself is absent (an error inside it still raises)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
