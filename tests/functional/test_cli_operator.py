"""The operator's CLI as a person runs it: bad values are one line and exit 2 everywhere, every --json
command prints exactly one JSON document on stdout, `users` manages accounts, `mail test` talks SMTP."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
import typer.main

from paperwire import __version__
from paperwire.cli import app
from tests.functional.test_cli_ingest import paper_line, run, write_jsonl
from tests.smtpserver import RecordingHandler, smtp_server

PASSWORD = "correct horse battery staple"


def _leaves(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if hasattr(command, "commands"):  # a group (Typer vendors its own click classes)
            found.extend(_leaves(command, path))
        else:
            found.append((path, command))
    return found


LEAVES = _leaves(typer.main.get_command(app))
BOUNCES = Path(__file__).parents[1] / "data" / "bounces"
JSON_COMMANDS = sorted(" ".join(path) for path, command in LEAVES if any("--json" in p.opts for p in command.params))


def one_line_usage_error(done: Any) -> bool:
    lines = done.stderr.strip().splitlines()
    one_line = len(lines) == 1 and lines[0].startswith("error: ")
    return done.returncode == 2 and one_line and "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("path", [" ".join(p) for p, _ in LEAVES])
def test_every_command_refuses_an_unknown_option_in_one_line_with_exit_2(database_url: str, path: str) -> None:
    done = run(database_url, *path.split(), "--no-such-option")
    assert one_line_usage_error(done), done.stderr
    assert f"paperwire {path}" in done.stderr


BAD_VALUES = [
    ["digest", "send", "--day", "2026-13-01"],
    ["digest", "preview", "ada@example.org", "--day", "yesterday"],
    ["digest", "resume", "2026-02-30"],
    ["search", "graphs", "--limit", "0"],
    ["search", "graphs", "--mode", "bogus"],
    ["search", "graphs", "--sort", "bogus"],
    ["similar", "2501.00001", "--limit", "1000"],
    ["users", "list", "--limit", "0"],
    ["users", "show"],
    ["serve", "--port", "70000"],
    ["ingest", "api", "--days", "two", "--category", "cs.LG"],
    ["ingest", "api"],
    ["ingest", "oai", "--prefix", "marc"],
    ["ingest", "file", "{source}", "--format", "csv"],
    ["eval", "beir", "{tmp}", "--limit-queries", "-1"],
    ["mail", "test", "not an address"],
    ["subscribers", "add"],
    ["worker", "--once", "--json", "extra"],
    ["db", "upgrade", "--dry-run=maybe"],
    ["nosuchcommand"],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", BAD_VALUES, ids=lambda args: " ".join(args))
def test_bad_values_are_one_line_and_exit_2(tmp_path: Path, database_url: str, args: list[str]) -> None:
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(1)])
    done = run(database_url, *[a.format(source=source, tmp=tmp_path) for a in args])
    assert one_line_usage_error(done), (done.returncode, done.stderr)


def test_version_prints_the_package_version(database_url: str) -> None:
    done = run(database_url, "--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"paperwire {__version__}")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


JSON_INVOCATIONS = {
    "db upgrade": ["db", "upgrade", "--json"],
    "db check": ["db", "check", "--json"],
    "ingest file": ["ingest", "file", "{source}", "--json"],
    "ingest sample": ["ingest", "sample", "--dry-run", "--json"],
    "ingest recent": ["ingest", "recent", "--json"],
    "ingest api": ["ingest", "api", "--category", "cs.LG", "--json"],
    "ingest oai": ["ingest", "oai", "--set", "cs", "--json"],
    "ingest rss": ["ingest", "rss", "cs.LG", "--json"],
    "index rebuild": ["index", "rebuild", "--json"],
    "index update": ["index", "update", "--json"],
    "search": ["search", "paper", "--json"],
    "similar": ["similar", "2501.00001", "--json"],
    "stats": ["stats", "--json"],
    "eval beir": ["eval", "beir", "{beir}", "--json"],
    "users create": ["users", "create", "new@example.org", "--password-stdin", "--json"],
    "users list": ["users", "list", "--json"],
    "users show": ["users", "show", "root@example.org", "--json"],
    "users ban": ["users", "ban", "ada@example.org", "--json"],
    "users unban": ["users", "unban", "ada@example.org", "--json"],
    "users promote": ["users", "promote", "ada@example.org", "--json"],
    "users demote": ["users", "demote", "root@example.org", "--dry-run", "--json"],
    "users delete": ["users", "delete", "ada@example.org", "--dry-run", "--json"],
    "subscribers add": ["subscribers", "add", "ada@example.org", "--confirmed", "--json"],
    "digest status": ["digest", "status", "--json"],
    "digest send": ["digest", "send", "--dry-run", "--json"],
    "digest bounces": [
        "digest",
        "bounces",
        str(Path(__file__).parents[1] / "data" / "bounces" / "mixed.mbox"),
        "--dry-run",
        "--json",
    ],
    "mail test": ["mail", "test", "ada@example.org", "--json"],
    "library import": ["library", "import", "ada@example.org", "Reading", "{ids}", "--create", "--json"],
    "library export": ["library", "export", "--user", "ada@example.org", "--json"],
    "worker": ["worker", "--once", "--json"],
    "map build": ["map", "build", "--json"],
    "map update": ["map", "update", "--json"],
}


def test_every_json_command_has_a_case_below() -> None:
    assert sorted(JSON_INVOCATIONS) == JSON_COMMANDS  # a new --json command needs a line in JSON_INVOCATIONS


def offline_env(tmp_path: Path) -> dict[str, str]:
    """arXiv on closed local ports, the hashing embedder, the index in tmp_path."""
    return {
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
        "PAPERWIRE_ARXIV_API_URL": f"http://127.0.0.1:{closed_port()}/api/query",
        "PAPERWIRE_ARXIV_OAI_URL": f"http://127.0.0.1:{closed_port()}/oai",
        "PAPERWIRE_ARXIV_RSS_URL": f"http://127.0.0.1:{closed_port()}/rss",
        "PAPERWIRE_ARXIV_CATEGORIES": "cs.LG",
        "PAPERWIRE_HTTP_RETRIES": "0",
    }


def prepare(name: str, database_url: str, tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """What the command needs first: papers and an index, accounts, a BEIR folder."""
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(n) for n in range(1, 4)])
    beir = tmp_path / "beir"
    if name in ("search", "similar", "index update", "map build", "map update"):
        assert run(database_url, "ingest", "file", str(source)).returncode == 0
        assert run(database_url, "index", "rebuild", extra_env=env).returncode == 0
    if name == "map update":
        assert run(database_url, "map", "build", extra_env=env).returncode == 0
    if (name.startswith("users ") and name != "users create") or name.startswith("library "):
        create(database_url, "root@example.org", "--admin")
        create(database_url, "ada@example.org")
    if name == "eval beir":
        (beir / "qrels").mkdir(parents=True)
        (beir / "corpus.jsonl").write_text(json.dumps({"_id": "1", "title": "Graphs", "text": "graph nets"}) + "\n")
        (beir / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "graph"}) + "\n")
        (beir / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\t1\t1\n")
    ids = tmp_path / "ids.txt"
    ids.write_text("2501.00001\nnot an id\n")
    return {"source": str(source), "beir": str(beir), "ids": str(ids)}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(JSON_INVOCATIONS))
def test_json_output_is_one_json_document_on_stdout_and_nothing_else(
    tmp_path: Path, database_url: str, name: str
) -> None:
    env = offline_env(tmp_path)
    paths = prepare(name, database_url, tmp_path, env)
    args = [a.format(**paths) for a in JSON_INVOCATIONS[name]]
    done = run(database_url, *args, stdin=PASSWORD + "\n", extra_env=env)
    if name != "worker":  # the worker's job loop logs a failed job's traceback (to stderr) by design
        assert "Traceback" not in done.stderr
    if done.returncode != 0:  # a failure (arXiv is unreachable here): nothing on stdout, one line on stderr
        assert (done.stdout, len(done.stderr.strip().splitlines())) == ("", 1)
        assert done.stderr.startswith("error: ")
        return
    try:
        json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"`paperwire {name}` printed no single JSON document: {done.stdout!r}")


def create(database_url: str, email: str, *flags: str) -> None:
    done = run(database_url, "users", "create", email, "--password-stdin", *flags, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr


def account(database_url: str, ref: str) -> dict[str, Any]:
    return json.loads(run(database_url, "users", "show", ref, "--json").stdout)


def test_ban_dry_run_changes_nothing_and_ban_unban_round_trip(database_url: str) -> None:
    create(database_url, "ada@example.org")
    dry = json.loads(run(database_url, "users", "ban", "ada@example.org", "--dry-run", "--json").stdout)
    assert (dry["dry_run"], account(database_url, "ada@example.org")["banned"]) == (True, False)
    assert run(database_url, "users", "ban", "ada@example.org").returncode == 0
    assert account(database_url, "ada@example.org")["banned"] is True
    assert run(database_url, "users", "unban", "1").returncode == 0
    assert account(database_url, "1")["banned"] is False


def test_the_last_administrator_cannot_be_demoted_or_deleted(database_url: str) -> None:
    create(database_url, "root@example.org", "--admin")
    for command in ("demote", "delete"):
        done = run(database_url, "users", command, "root@example.org")
        assert done.returncode == 2
        assert "last administrator" in done.stderr
    create(database_url, "second@example.org")
    assert run(database_url, "users", "promote", "second@example.org").returncode == 0
    assert run(database_url, "users", "demote", "root@example.org").returncode == 0
    assert account(database_url, "root@example.org")["admin"] is False


def test_users_list_shows_newest_first_and_filters_admins(database_url: str) -> None:
    create(database_url, "root@example.org", "--admin")
    create(database_url, "ada@example.org")
    everyone = json.loads(run(database_url, "users", "list", "--json").stdout)
    admins = json.loads(run(database_url, "users", "list", "--admins", "--json").stdout)
    assert [a["email"] for a in everyone] == ["ada@example.org", "root@example.org"]
    assert [a["email"] for a in admins] == ["root@example.org"]
    assert {"votes", "comments", "submissions"} <= everyone[0].keys()


def test_delete_removes_the_account_and_an_unknown_user_is_not_found(database_url: str) -> None:
    create(database_url, "ada@example.org")
    assert run(database_url, "users", "delete", "ada@example.org").returncode == 0
    gone = run(database_url, "users", "show", "ada@example.org")
    assert gone.returncode == 1
    assert gone.stderr.startswith("error: no account 'ada@example.org'")


def test_stats_counts_users_subscribers_and_knows_the_newest_day(tmp_path: Path, database_url: str) -> None:
    create(database_url, "ada@example.org")
    run(database_url, "subscribers", "add", "bob@example.org", "--confirmed")
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(1)])
    run(database_url, "ingest", "file", str(source))
    report = json.loads(run(database_url, "stats", "--json").stdout)
    assert report["community"]["users"] == 1
    assert report["digest"]["subscribers"] == {"active": 1}
    assert report["newest_published"] == "2025-01-02"
    assert report["last_ingest"] is not None
    assert report["index"] is None


def test_digest_status_is_a_table(database_url: str) -> None:
    run(database_url, "subscribers", "add", "bob@example.org", "--confirmed")
    done = run(database_url, "digest", "status")
    assert done.returncode == 0
    assert "Subscribers" in done.stdout
    assert "active" in done.stdout
    assert "{" not in done.stdout


def test_mail_test_reports_the_smtp_answer(database_url: str) -> None:
    with smtp_server() as (url, handler):
        done = run(database_url, "mail", "test", "ada@example.org", "--json", extra_env={"PAPERWIRE_SMTP_URL": url})
    result = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert (result["backend"], result["smtp_code"]) == ("smtp", 250)
    assert result["smtp_reply"] == "Message accepted for delivery"
    assert [r.rcpt_tos for r in handler.received] == [["ada@example.org"]]


def test_mail_test_refused_is_one_line_with_the_servers_code_and_text(database_url: str) -> None:
    handler = RecordingHandler(rcpt_hook=lambda address: "550 5.1.1 No such mailbox here")
    with smtp_server(handler) as (url, _):
        done = run(database_url, "mail", "test", "nobody@example.org", extra_env={"PAPERWIRE_SMTP_URL": url})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["error: SMTP 550: 5.1.1 No such mailbox here"]
    assert handler.received == []
