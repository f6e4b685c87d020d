"""`paperwire library import`: the collection page's import as an operator runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.functional.test_cli_ingest import paper_line, run, write_jsonl
from tests.functional.test_cli_operator import create


def test_import_reports_bad_lines_and_dry_run_changes_nothing(tmp_path: Path, database_url: str) -> None:
    source = write_jsonl(tmp_path / "papers.jsonl", [paper_line(n) for n in range(1, 3)])
    assert run(database_url, "ingest", "file", str(source)).returncode == 0
    create(database_url, "ada@example.org")
    ids = tmp_path / "ids.txt"
    ids.write_text("2501.00001\nhttps://arxiv.org/abs/2501.00002v1\nnonsense\n")
    missing = run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--json")
    assert (missing.returncode, missing.stderr.startswith("error: no collection named")) == (1, True)
    dry = run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--create", "--dry-run")
    assert dry.returncode == 1  # a dry run creates nothing, so there is no collection to check against
    done = run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--create", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["added"] == ["2501.00001", "2501.00002"]
    assert report["errors"] == [{"line": 3, "error": "not an arXiv id or arXiv URL: 'nonsense'"}]
    again = json.loads(run(database_url, "library", "import", "ada@example.org", "Reading", str(ids), "--json").stdout)
    assert (again["added"], again["already"]) == ([], ["2501.00001", "2501.00002"])
