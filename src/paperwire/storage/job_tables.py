"""Job runs (one row per scheduled or manual run, with status and counts) and leases (one holder at a time)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Table, Text

from paperwire.storage.tables import METADATA

job_runs = Table(
    "job_runs",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),  # ingest | index | trending | digest
    Column("status", String(16), nullable=False),  # running | succeeded | failed | abandoned
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("counts", JSON, nullable=False, default=dict),
    Column("error", Text, nullable=True),
    Index("ix_job_runs_name_started", "name", "started_at"),
)

leases = Table(
    "leases",
    METADATA,
    Column("name", String(64), primary_key=True),  # 'worker', 'digest-sender'
    Column("holder", String(255), nullable=False),  # host:pid:nonce
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# The next moment a request to an upstream (arXiv) may start, shared by every process on the database.
request_slots = Table(
    "request_slots",
    METADATA,
    Column("key", String(64), primary_key=True),
    Column("next_at", Float, nullable=False),  # unix seconds
)
