"""The complete schema: importing this module registers every feature's tables on METADATA.

Feature table modules (community_tables, digest_tables, ...) are picked up if present.
"""

from __future__ import annotations

from paperwire._imports import import_optional
from paperwire.storage.tables import METADATA

for _module in ("community_tables", "digest_tables", "job_tables"):
    import_optional(f"paperwire.storage.{_module}")

__all__ = ["METADATA"]
