"""`paperwire library import|export`: the collection page's Import form and Export links as an operator
runs them: the same service, the same report, the same bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paperwire.config import Settings, load_settings
from paperwire.domain.citations import EXPORT_FORMATS
from paperwire.ingest.http import user_agent
from paperwire.storage import library_tables
from paperwire.storage.schema import METADATA
from paperwire.storage.tables import papers
from tests.functional.test_cli_ingest import paper_line, run, write_jsonl
from tests.functional.test_cli_operator import create, one_line_usage_error
from tests.httpserver import ScriptedServer, serve
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture
DATA = Path(__file__).resolve().parents[1] / "data" / "arxiv"
EMPTY_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: id_list=2401.99999</title>
  <id>http://arxiv.org/api/empty</id>
  <updated>2024-01-20T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:itemsPerPage>
</feed>
"""


@pytest.fixture
def arxiv() -> Iterator[ScriptedServer]:
    yield from serve()


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for 'this changed nothing'."""
    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in METADATA.sorted_tables}


def _rows(engine: Engine, table: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table))]


def _ingest_and_create(database_url: str, tmp_path: Path, count: int = 2) -> None:
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(n) for n in range(1, count + 1)])
    assert run(database_url, "ingest", "file", str(source)).returncode == 0
    create(database_url, "ada@example.org")


# import


def test_import_reports_bad_lines_and_a_second_run_adds_nothing(tmp_path: Path, database_url: str) -> None:
    _ingest_and_create(database_url, tmp_path)
    ids = tmp_path / "ids.txt"
    ids.write_text("2501.00001\nhttps://arxiv.org/abs/2501.00002v1\nnonsense\n")
    missing = run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--json")
    assert (missing.returncode, missing.stderr.startswith("error: no collection named")) == (1, True)
    done = run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--create", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["collection"], report["created"]) == ("Reading", True)
    assert report["added"] == ["2501.00001", "2501.00002"]
    assert report["errors"] == [{"line": 3, "error": "not an arXiv id or arXiv URL: 'nonsense'"}]
    again = json.loads(run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--json").stdout)
    assert (again["added"], again["already"], again["created"]) == ([], ["2501.00001", "2501.00002"], False)


def test_dry_run_into_a_collection_not_made_yet_says_what_it_would_do_and_writes_nothing(
    tmp_path: Path, database_url: str, engine: Engine
) -> None:
    _ingest_and_create(database_url, tmp_path)
    ids = tmp_path / "ids.txt"
    ids.write_text("2501.00001\n2501.00002\n2501.00001\nnonsense\n")
    before = snapshot(engine)
    args = ("library", "import", "ada@example.org", "Reading group", str(ids), "--create", "--dry-run")
    report = json.loads(run(database_url, *args, "--json").stdout)
    human = run(database_url, *args)
    assert report == {
        "added": ["2501.00001", "2501.00002"],
        "already": ["2501.00001"],
        "fetched": [],
        "errors": [{"line": 4, "error": "not an arXiv id or arXiv URL: 'nonsense'"}],
        "dry_run": True,
        "collection": "Reading group",
        "created": True,
    }
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("Would create collection 'Reading group' and import 2 paper(s); 1 already")
    assert snapshot(engine) == before  # no collection, no saves, no rate-limit hit


def test_unknown_ids_are_fetched_from_arxiv_and_one_arxiv_lacks_is_skipped_by_line(
    tmp_path: Path, database_url: str, engine: Engine, arxiv: ScriptedServer
) -> None:
    arxiv.add("/api/query", [(200, {}, (DATA / "api_search_page1.xml").read_text())], {"id_list": "2401.12345"})
    arxiv.add("/api/query", [(200, {}, EMPTY_FEED)], {"id_list": "2401.99999"})
    _ingest_and_create(database_url, tmp_path, count=1)
    ids = tmp_path / "ids.txt"
    ids.write_text("2501.00001\narXiv:2401.12345\n2401.99999\n")
    env = {"PAPERWIRE_ARXIV_API_URL": f"{arxiv.url}/api/query", "PAPERWIRE_ARXIV_MIN_INTERVAL_S": "0"}
    dry = run(database_url, "library", "import", "ada@example.org", "R", str(ids), "--create", "--dry-run", "--json")
    assert json.loads(dry.stdout)["fetched"] == ["2401.12345", "2401.99999"]  # would fetch; a dry run asks no one
    assert arxiv.requests == []
    args = ("library", "import", "ada@example.org", "R", str(ids), "--create", "--json")
    done = run(database_url, *args, extra_env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r.params["id_list"] for r in arxiv.requests] == ["2401.12345", "2401.99999"]
    assert {r.headers["User-Agent"] for r in arxiv.requests} == {user_agent(load_settings({}))}  # the polite client
    assert (report["added"], report["fetched"]) == (["2501.00001", "2401.12345"], ["2401.12345"])
    assert report["errors"] == [{"line": 3, "error": "2401.99999: arXiv has no paper 2401.99999."}]
    assert sorted(p for _, p, _ in _rows(engine, library_tables.collection_items)) == ["2401.12345", "2501.00001"]
    assert sorted(p for _, p, *_ in _rows(engine, library_tables.library_items)) == ["2401.12345", "2501.00001"]
    with engine.connect() as conn:
        stored = set(conn.execute(select(papers.c.id)).scalars())
    assert stored == {"2501.00001", "2401.12345"}  # nothing of the unknown id was written


# export


def _web_library(settings: Settings, engine: Engine) -> tuple[Any, dict[str, Any], int]:
    """A user with three saved papers (one with a note) and a collection of two, made through the web."""
    ids = [make_paper(engine, title=f"Attention {n}", authors=("Ada Lovelace",)) for n in range(3)]
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    for paper_id in ids:
        assert client.post(f"/papers/{paper_id}/save", data={"csrf_token": csrf}).status_code == 303
    client.post(f"/papers/{ids[0]}/note", data={"csrf_token": csrf, "note": "read §3 & the appendix"})
    created = client.post("/collections", data={"csrf_token": csrf, "name": "Reading group"})
    collection_id = int(created.headers["location"].rsplit("/", 1)[1])
    for paper_id in ids[1:]:
        client.post(f"/collections/{collection_id}/add", data={"csrf_token": csrf, "paper": paper_id})
    return client, user, collection_id


def _run_bytes(database_url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")} | {
        "PAPERWIRE_DATABASE_URL": database_url
    }
    return subprocess.run([sys.executable, "-m", "paperwire", *args], env=env, capture_output=True, timeout=120)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_writes_the_bytes_the_web_export_serves(
    settings: Settings, engine: Engine, database_url: str, tmp_path: Path, fmt: str
) -> None:
    client, user, collection_id = _web_library(settings, engine)
    library_file = tmp_path / f"library.{fmt}"
    wrote = run(database_url, "library", "export", "--user", user["email"], "--format", fmt, "-o", str(library_file))
    assert wrote.returncode == 0, wrote.stderr
    assert library_file.read_bytes() == client.get(f"/library/export.{fmt}").content
    by_name = _run_bytes(database_url, "library", "export", "--user", str(user["id"]), "--collection", "Reading group")
    by_id = _run_bytes(
        database_url, "library", "export", "--user", user["email"], "--collection", str(collection_id), "--format", fmt
    )
    assert by_name.stdout == client.get(f"/collections/{collection_id}/export.bibtex").content
    assert by_id.stdout == client.get(f"/collections/{collection_id}/export.{fmt}").content
    assert (by_name.stderr, by_id.stderr) == (b"", b"")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left behind


def test_export_jsonl_carries_notes_and_the_collection_only_its_papers(
    settings: Settings, engine: Engine, database_url: str
) -> None:
    _, user, _ = _web_library(settings, engine)
    library = run(database_url, "library", "export", "--user", user["email"], "--format", "jsonl")
    lines = [json.loads(line) for line in library.stdout.splitlines()]
    assert [line["note"] for line in lines] == ["", "", "read §3 & the appendix"]  # newest save first
    collection = run(database_url, "library", "export", "--user", user["email"], "--collection", "Reading group")
    assert collection.stdout.count("@misc{") == 2


def test_export_dry_run_names_the_file_and_writes_nothing_and_json_reports(
    settings: Settings, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _, user, collection_id = _web_library(settings, engine)
    target = tmp_path / "out.ris"
    target.write_text("the old export\n")
    args = ("library", "export", "--user", user["email"], "--format", "ris", "--output", str(target))
    dry = run(database_url, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr.startswith("would write 3 paper(s), ")
    assert dry.stderr.rstrip().endswith(f" bytes of ris to {target}")
    assert target.read_text() == "the old export\n"
    report = json.loads(run(database_url, *args, "--collection", "Reading group", "--json").stdout)
    assert report == {
        "format": "ris",
        "collection": collection_id,
        "papers": 2,
        "bytes": target.stat().st_size,
        "output": str(target),
        "dry_run": False,
    }
    assert target.read_text().count("ER  - ") == 2


def test_export_into_a_missing_folder_fails_in_one_line_and_leaves_nothing(
    settings: Settings, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _, user, _ = _web_library(settings, engine)
    done = run(database_url, "library", "export", "--user", user["email"], "-o", str(tmp_path / "no" / "x.bib"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: cannot write {tmp_path / 'no' / 'x.bib'}: No such file or directory"
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody@example.org"], "--user: no account 'nobody@example.org'"),
        (["--user", "{email}", "--collection", "Unread"], "--collection: no collection named 'Unread'"),
        (["--user", "{email}", "--collection", "{theirs}"], "--collection: no collection named '{theirs}'"),
        (["--user", "{email}", "--format", "docx"], "format: expected one of bibtex, ris, csl, jsonl, got 'docx'"),
    ],
)
def test_export_of_an_unknown_user_collection_or_format_is_one_line_and_exit_2(
    settings: Settings, engine: Engine, database_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    other = make_user(engine)  # someone else's collection is not found either
    csrf = login(client, other["email"])
    theirs = (
        client.post("/collections", data={"csrf_token": csrf, "name": "Unread"}).headers["location"].rsplit("/")[-1]
    )
    target = tmp_path / "out.bib"
    values = {"email": user["email"], "theirs": theirs}
    done = run(database_url, "library", "export", *[a.format(**values) for a in args], "-o", str(target))
    assert one_line_usage_error(done), done.stderr
    assert message.format(theirs=theirs) in done.stderr
    assert not target.exists()
