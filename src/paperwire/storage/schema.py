"""The complete schema: importing this module registers every feature's tables on METADATA.

Feature table modules (community_tables, digest_tables, ...) are picked up if present.
"""

from __future__ import annotations

import importlib

from paperwire.storage.tables import METADATA

for _module in ("community_tables", "digest_tables", "job_tables"):
    try:
        importlib.import_module(f"paperwire.storage.{_module}")
    except ModuleNotFoundError as _error:
        if _error.name != f"paperwire.storage.{_module}":
            raise

__all__ = ["METADATA"]
