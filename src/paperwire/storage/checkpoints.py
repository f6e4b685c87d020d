"""Ingest checkpoints: where a source's last committed batch ended, so every ingest can resume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from paperwire.storage.tables import ingest_checkpoints


@dataclass(frozen=True)
class Checkpoint:
    source: str
    key: str
    position: str | None = None
    datestamp: str | None = None
    state: dict[str, Any] = field(default_factory=dict)


def load_checkpoint(conn: Connection, source: str, key: str) -> Checkpoint | None:
    row = (
        conn.execute(
            select(ingest_checkpoints).where(ingest_checkpoints.c.source == source, ingest_checkpoints.c.key == key)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return Checkpoint(row["source"], row["key"], row["position"], row["datestamp"], dict(row["state"] or {}))


def save_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    values = {
        "position": checkpoint.position,
        "datestamp": checkpoint.datestamp,
        "state": checkpoint.state,
        "updated_at": datetime.now(UTC),
    }
    where = (ingest_checkpoints.c.source == checkpoint.source, ingest_checkpoints.c.key == checkpoint.key)
    if conn.execute(update(ingest_checkpoints).where(*where).values(values)).rowcount == 0:
        conn.execute(ingest_checkpoints.insert().values(source=checkpoint.source, key=checkpoint.key, **values))


def clear_checkpoint(conn: Connection, source: str, key: str) -> None:
    conn.execute(
        delete(ingest_checkpoints).where(ingest_checkpoints.c.source == source, ingest_checkpoints.c.key == key)
    )


def list_checkpoints(conn: Connection) -> list[Checkpoint]:
    rows = conn.execute(select(ingest_checkpoints).order_by(ingest_checkpoints.c.id)).mappings()
    return [Checkpoint(r["source"], r["key"], r["position"], r["datestamp"], dict(r["state"] or {})) for r in rows]
