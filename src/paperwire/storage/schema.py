"""The complete schema: importing this module registers every table on METADATA."""

from __future__ import annotations

from paperwire.storage import community_tables, digest_tables, job_tables, library_tables
from paperwire.storage.tables import METADATA

TABLE_MODULES = (community_tables, digest_tables, job_tables, library_tables)  # imported for their tables

__all__ = ["METADATA"]
