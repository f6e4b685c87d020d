"""Storage: engine, tables, migrations and repositories that return domain objects."""
