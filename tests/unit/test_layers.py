"""Storage owns the tables: outside src/paperwire/storage, SQLAlchemy is only a type (Engine, Connection)
and its exceptions; no module builds or sends SQL. (`lint-imports` checks the table modules and layers.)"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "paperwire"
ALLOWED = {
    "sqlalchemy": {"Connection", "Engine", "RowMapping"},
    "sqlalchemy.exc": {"IntegrityError", "OperationalError"},
}
SQL_CALLS = {"execute", "exec_driver_sql", "scalar", "scalars"}


def _outside_storage() -> list[Path]:
    files = [p for p in SRC.rglob("*.py") if "storage" not in p.relative_to(SRC).parts]
    assert len(files) > 50  # the scan sees the package
    return files


def test_sqlalchemy_is_only_a_type_outside_storage() -> None:
    found = []
    for path in _outside_storage():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import) and any(a.name.startswith("sqlalchemy") for a in node.names):
                found.append(f"{path.relative_to(SRC)}: import {', '.join(a.name for a in node.names)}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                extra = {a.name for a in node.names} - ALLOWED.get(node.module or "", set())
                if extra:
                    found.append(f"{path.relative_to(SRC)}: from {node.module} import {', '.join(sorted(extra))}")
    assert found == []


def test_no_module_outside_storage_sends_sql() -> None:
    found = []
    for path in _outside_storage():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: .{node.func.attr}(...)")
    assert found == []
