"""Alembic environment: run by `paperwire db upgrade`; the connection is handed in by storage/migrate.py."""

from __future__ import annotations

from alembic import context

from paperwire.storage.schema import METADATA

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=True,  # ALTER TABLE on SQLite goes through batch mode
    compare_type=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        context.execute("SET lock_timeout = '10s'")
        context.execute("SET statement_timeout = '15min'")
    context.run_migrations()
