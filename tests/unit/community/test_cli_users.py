"""`paperwire users create`: password from stdin, --admin, --dry-run, --json, refusals."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from paperwire.cli import _common, app
from paperwire.config import Settings
from paperwire.storage.community_tables import users


def _run(settings: Settings, engine: Engine, *args: str, stdin: str = "") -> object:
    _common.settings.cache_clear()
    _common.services.cache_clear()
    env = {"PAPERWIRE_DATABASE_URL": settings.database_url}
    try:
        return CliRunner().invoke(app, list(args), input=stdin, env=env)
    finally:
        _common.engine().dispose()
        _common.settings.cache_clear()
        _common.services.cache_clear()


def test_create_admin_from_stdin(settings: Settings, engine: Engine) -> None:
    args = ("users", "create", "--admin", "Root@Example.org", "--password-stdin", "--json")
    result = _run(settings, engine, *args, stdin="a long admin secret\n")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert json.loads(result.output)["admin"] is True  # type: ignore[attr-defined]
    with engine.connect() as conn:
        row = conn.execute(select(users)).one()
    assert (row.email, row.is_admin, row.email_verified) == ("root@example.org", True, True)
    assert row.password_hash.startswith("$argon2id$")
    assert "m=19456" in row.password_hash


def test_dry_run_creates_nothing(settings: Settings, engine: Engine) -> None:
    result = _run(
        settings,
        engine,
        "users",
        "create",
        "a@example.org",
        "--password-stdin",
        "--dry-run",
        stdin="a long admin secret\n",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with engine.connect() as conn:
        assert conn.execute(select(users)).first() is None


def test_weak_password_and_duplicates_fail(settings: Settings, engine: Engine) -> None:
    weak = _run(settings, engine, "users", "create", "a@example.org", "--password-stdin", stdin="password\n")
    assert weak.exit_code != 0  # type: ignore[attr-defined]
    ok = _run(
        settings,
        engine,
        "users",
        "create",
        "a@example.org",
        "--password-stdin",
        stdin="a long admin secret\n",
    )
    assert ok.exit_code == 0  # type: ignore[attr-defined]
    again = _run(
        settings,
        engine,
        "users",
        "create",
        "a@example.org",
        "--password-stdin",
        stdin="a long admin secret\n",
    )
    assert again.exit_code != 0  # type: ignore[attr-defined]
