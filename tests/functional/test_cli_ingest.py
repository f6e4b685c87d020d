"""`paperwire db|ingest|stats` as a user runs them: exit codes, one-line errors, --json, --dry-run, --strict."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = {
    "id": "2501.00001",
    "title": "A good paper",
    "abstract": "About  things.",
    "authors": ["Ada Lovelace"],
    "categories": ["cs.LG"],
    "published": "2025-01-02",
}


def run(
    database_url: str, *args: str, stdin: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(PAPERWIRE_DATABASE_URL=database_url, COLUMNS="200", **(extra_env or {}))
    return subprocess.run(
        [sys.executable, "-m", "paperwire", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def write_jsonl(path: Path, lines: list[str], compress: bool = False) -> Path:
    data = "\n".join(lines) + "\n"
    if compress:
        path.write_bytes(gzip.compress(data.encode()))
    else:
        path.write_text(data)
    return path


def paper_line(n: int) -> str:
    return json.dumps(GOOD | {"id": f"2501.{n:05d}", "title": f"Paper {n}"})


def test_ingest_reports_counts_as_json_and_second_run_changes_nothing(tmp_path: Path, database_url: str) -> None:
    source = write_jsonl(tmp_path / "papers.jsonl.gz", [paper_line(n) for n in range(1, 6)], compress=True)
    first = json.loads(run(database_url, "ingest", "file", str(source), "--json").stdout)
    second = json.loads(run(database_url, "ingest", "file", str(source), "--json").stdout)
    stats = json.loads(run(database_url, "stats", "--json").stdout)
    assert {k: first[k] for k in ("read", "inserted", "updated", "unchanged", "skipped")} == {
        "read": 5,
        "inserted": 5,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 5)
    assert stats["papers"] == 5
    assert stats["by_category"] == {"cs.LG": 5}


def test_malformed_lines_are_reported_with_file_and_line_and_skipped(tmp_path: Path, database_url: str) -> None:
    source = write_jsonl(
        tmp_path / "mixed.jsonl",
        [paper_line(1), "{not json", json.dumps({"id": "2501.00009"}), paper_line(2)],
    )
    done = run(database_url, "ingest", "file", str(source), "--format", "jsonl", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0
    assert report["inserted"] == 2
    assert [(e["file"], e["line"]) for e in report["errors"]] == [(str(source), 2), (str(source), 3)]
    assert all(e["reason"] for e in report["errors"])


def test_strict_stops_at_the_first_bad_record_and_writes_nothing_from_its_batch(
    tmp_path: Path, database_url: str
) -> None:
    source = write_jsonl(tmp_path / "bad.jsonl", [paper_line(1), "{not json", paper_line(2)])
    done = run(database_url, "ingest", "file", str(source), "--format", "jsonl", "--strict")
    stats = json.loads(run(database_url, "stats", "--json").stdout)
    assert done.returncode == 1
    assert f"{source}:2" in done.stderr
    assert "Traceback" not in done.stderr
    assert stats["papers"] == 0


def test_dry_run_writes_nothing(tmp_path: Path, database_url: str) -> None:
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(n) for n in range(1, 4)])
    report = json.loads(run(database_url, "ingest", "file", str(source), "--dry-run", "--json").stdout)
    stats = json.loads(run(database_url, "stats", "--json").stdout)
    assert (report["dry_run"], report["inserted"]) == (True, 3)
    assert stats["papers"] == 0


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["ingest", "file", "/nonexistent/papers.jsonl"], "no such file: /nonexistent/papers.jsonl", 1),
        (["ingest", "file", "{source}", "--format", "csv"], "unknown format 'csv'", 2),
    ],
)
def test_bad_input_is_one_clear_line_and_a_non_zero_exit(
    tmp_path: Path, database_url: str, args: list[str], message: str, code: int
) -> None:
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(1)])
    done = run(database_url, *[a.format(source=source) for a in args])
    assert done.returncode == code
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_undetectable_format_names_the_file(tmp_path: Path, database_url: str) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("just some text\n")
    done = run(database_url, "ingest", "file", str(source))
    assert done.returncode == 2  # fixed by passing --format: a usage error
    assert str(source) in done.stderr


def test_commands_on_an_unmigrated_database_say_what_to_do(tmp_path: Path) -> None:
    done = run(f"sqlite:///{tmp_path / 'empty.db'}", "stats")
    assert done.returncode == 1
    assert "paperwire db upgrade" in done.stderr


def test_db_upgrade_then_check_agree(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run(url, "db", "upgrade", "--dry-run").returncode == 0
    assert run(url, "db", "check").returncode == 1  # nothing applied by a dry run
    assert run(url, "db", "upgrade").returncode == 0
    check = run(url, "db", "check", "--json")
    assert check.returncode == 0
    assert json.loads(check.stdout) == {"ok": True, "current": True, "differences": []}


def test_db_check_passes_on_the_test_database(database_url: str) -> None:
    check = run(database_url, "db", "check", "--json")
    assert json.loads(check.stdout)["ok"] is True
