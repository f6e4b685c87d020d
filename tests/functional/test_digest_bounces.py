"""Bounce and complaint intake from files: `paperwire digest bounces FILE` reads DSNs (RFC 3464) and
feedback reports (RFC 5965) written for these tests in tests/data/bounces/, as one .eml, an mbox or a folder."""

from __future__ import annotations

import dataclasses
import json
import mailbox
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine
from typer.testing import CliRunner

from paperwire.cli import _common, app
from paperwire.config import Settings
from paperwire.digest.bounces import BounceService
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.storage import subscribers as repo
from tests.conftest import TEST_DATA

BOUNCES = TEST_DATA / "bounces"


def run(settings: Settings, *args: str, **env: str) -> Result:
    """The command in this process (fast); errors are exceptions here, so failures use run_process."""
    environment = {"PAPERWIRE_DATABASE_URL": settings.database_url, "PAPERWIRE_MAIL_BACKEND": "memory", **env}
    _common.settings.cache_clear()
    _common.services.cache_clear()
    try:
        return CliRunner().invoke(app, ["digest", "bounces", *args], env=environment, catch_exceptions=False)
    finally:
        _common.services().engine.dispose()
        _common.settings.cache_clear()
        _common.services.cache_clear()


def run_process(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process (exit codes and stderr as a person sees them)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    environment.update(PAPERWIRE_DATABASE_URL=settings.database_url, PAPERWIRE_EMBEDDER="none", COLUMNS="200", **env)
    command = [sys.executable, "-m", "paperwire", "digest", "bounces", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120, check=False)


def statuses(engine: Engine, *emails: str) -> dict[str, str]:
    with engine.connect() as conn:
        return {email: repo.get_by_email(conn, email).status for email in emails}  # type: ignore[union-attr]


def subscribe(engine: Engine, settings: Settings, *emails: str) -> None:
    for email in emails:
        SubscriptionService(engine, settings).add_confirmed(email)


READERS = ("gone@example.org", "annoyed@example.com", "busy@example.org")


def test_bounces_command_suppresses_hard_bounces_and_complaints_from_an_mbox(
    engine: Engine, settings: Settings
) -> None:
    subscribe(engine, settings, *READERS)
    result = run(settings, str(BOUNCES / "mixed.mbox"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "messages": 3,
        "ignored": 1,  # the out-of-office reply
        "hard": 1,
        "soft": 0,
        "complaints": 1,
        "suppressed": 2,
        "unknown": 0,
        "repeated": 0,
        "dry_run": False,
    }
    assert statuses(engine, *READERS) == {
        "gone@example.org": "bounced",
        "annoyed@example.com": "complained",  # Original-Rcpt-To, case-folded
        "busy@example.org": "active",
    }
    with engine.connect() as conn:
        reason = repo.get_by_email(conn, "gone@example.org").bounce_reason  # type: ignore[union-attr]
    assert reason.startswith("hard bounce (status 5.1.1) smtp; 550 5.1.1")


def test_bounces_dry_run_counts_the_same_and_writes_nothing(engine: Engine, settings: Settings) -> None:
    subscribe(engine, settings, *READERS)
    result = run(settings, str(BOUNCES / "mixed.mbox"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("dry run: messages 3, ignored 1, hard 1, soft 0, complaints 1, suppressed 2")
    assert set(statuses(engine, *READERS).values()) == {"active"}


def test_a_folder_of_reports_is_read_file_by_file(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    subscribe(engine, settings, *READERS)
    folder = tmp_path / "bounces"
    (folder / "new").mkdir(parents=True)  # a Maildir keeps messages in new/ and cur/
    for name in ("dsn-hard.eml", "arf-complaint.eml", "auto-reply.eml"):
        shutil.copy(BOUNCES / name, folder / "new" / name)
    result = run(settings, str(folder), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["suppressed"] == 2


def test_soft_bounces_do_not_suppress_when_they_are_spread_wider_than_the_window(
    engine: Engine, settings: Settings
) -> None:
    subscribe(engine, settings, "full@example.net", "delivered@example.net")
    result = run(settings, str(BOUNCES / "soft-three.mbox"), "--json", PAPERWIRE_DIGEST_SOFT_BOUNCE_WINDOW_DAYS="2")
    assert json.loads(result.stdout) == {
        "messages": 3,
        "ignored": 0,
        "hard": 0,
        "soft": 3,  # "Action: delivered" for the other recipient is not a failure
        "complaints": 0,
        "suppressed": 0,  # 25, 28, 30 November: never three within two days
        "unknown": 0,
        "repeated": 0,
        "dry_run": False,
    }
    assert set(statuses(engine, "full@example.net", "delivered@example.net").values()) == {"active"}


def test_soft_bounces_suppress_at_the_limit_within_the_window(engine: Engine, settings: Settings) -> None:
    subscribe(engine, settings, "full@example.net", "delivered@example.net")
    result = run(settings, str(BOUNCES / "soft-three.mbox"), "--json")  # the default window: 14 days
    assert json.loads(result.stdout)["suppressed"] == 1
    assert statuses(engine, "full@example.net", "delivered@example.net") == {
        "full@example.net": "bounced",
        "delivered@example.net": "active",
    }


def test_reading_the_same_reports_twice_counts_their_soft_bounces_once(engine: Engine, settings: Settings) -> None:
    subscribe(engine, settings, "full@example.net")
    window = {"PAPERWIRE_DIGEST_SOFT_BOUNCE_WINDOW_DAYS": "30", "PAPERWIRE_DIGEST_SOFT_BOUNCE_LIMIT": "5"}
    first = json.loads(run(settings, str(BOUNCES / "soft-three.mbox"), "--json", **window).stdout)
    second = json.loads(run(settings, str(BOUNCES / "soft-three.mbox"), "--json", **window).stdout)
    assert (first["soft"], first["repeated"]) == (3, 0)
    assert (second["soft"], second["repeated"], second["suppressed"]) == (0, 3, 0)
    with engine.connect() as conn:
        subscriber = repo.get_by_email(conn, "full@example.net")
    assert subscriber is not None
    assert (subscriber.status, subscriber.soft_bounces) == ("active", 3)  # 5 would have been two reads' worth


def test_soft_bounce_score_resets_after_the_window(engine: Engine, settings: Settings) -> None:
    subscribe(engine, settings, "full@example.net")
    service = BounceService(engine, dataclasses.replace(settings, digest_soft_bounce_window_days=4))
    events, _ = service.read(BOUNCES / "soft-three.mbox")
    service.apply(events)  # 25 Nov: 1; 28 Nov: 2; 30 Nov: more than 4 days after the 25th: 1 again
    with engine.connect() as conn:
        subscriber = repo.get_by_email(conn, "full@example.net")
    assert subscriber is not None
    assert (subscriber.status, subscriber.soft_bounces) == ("active", 1)
    assert subscriber.soft_bounce_since.day == 30  # type: ignore[union-attr]


def test_bounces_command_names_the_message_it_cannot_read_and_writes_nothing(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    subscribe(engine, settings, *READERS)
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add((BOUNCES / "dsn-hard.eml").read_bytes())
    box.add((BOUNCES / "broken-report.eml").read_bytes())
    box.close()
    result = run_process(settings, str(tmp_path / "bounces.mbox"))
    assert result.returncode == 2  # bad input, refused by the command: a usage error
    assert f"{tmp_path / 'bounces.mbox'}, message 2: a report without a readable message/delivery-status part" in (
        result.stderr
    )
    assert set(statuses(engine, *READERS).values()) == {"active"}  # message 1 was not applied either


@pytest.mark.parametrize(
    ("content", "problem"), [(b"", "empty, not an e-mail message"), (b"\x89PNG\r\n\x1a\n\x00\x00", "no header lines")]
)
def test_bounces_command_refuses_a_file_that_is_not_mail(
    settings: Settings, tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "picture.eml"
    path.write_bytes(content)
    result = run_process(settings, str(path))
    assert result.returncode == 2  # bad input, refused by the command: a usage error
    assert f"{path}: {problem}" in result.stderr


def test_bounces_command_on_a_missing_path_is_a_usage_error(settings: Settings, tmp_path: Path) -> None:
    result = run_process(settings, str(tmp_path / "nope.mbox"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
