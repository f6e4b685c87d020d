"""The search CLI end to end in a subprocess: index rebuild/update, search --json, similar, eval beir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from paperwire.domain.papers import content_hash
from paperwire.storage.db import make_engine
from paperwire.storage.tables import METADATA, papers

TITLES = [
    "Diffusion transformers for image generation",
    "Graph neural networks for molecules",
    "Large language models as zero-shot reasoners",
    "Reinforcement learning from human feedback",
]


def _rows(start: int, titles: list[str]) -> list[dict]:
    now = datetime.now(UTC)
    return [
        {
            "id": f"2501.{n:05d}",
            "version": 1,
            "title": t,
            "abstract": f"{t}. We study {t.lower()} at scale.",
            "code_links": [],
            "authors_text": "Ada Lovelace",
            "categories_text": "cs.LG",
            "source": "test",
            "content_hash": content_hash((t,)),
            "upvotes": 0,
            "imported_upvotes": 0,
            "announced": date(2025, 1, 1),
            "ingested_at": now,
            "updated_at": now,
            "seq": n,
        }
        for n, t in enumerate(titles, start=start)
    ]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path}/cli.db"
    engine = make_engine(url)
    METADATA.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(papers), _rows(1, TITLES))
    engine.dispose()
    return os.environ | {
        "PAPERWIRE_DATABASE_URL": url,
        "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
        "PAPERWIRE_EMBEDDER": "hashing",
    }


def paperwire(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperwire", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_rebuild_search_similar_and_update(env: dict[str, str]):
    rebuild = paperwire(env, "index", "rebuild", "--json")
    assert rebuild.returncode == 0, rebuild.stderr
    assert json.loads(rebuild.stdout)["total"] == 4
    found = paperwire(env, "search", "graph molecules", "--json", "--limit", "2")
    result = json.loads(found.stdout)
    hits = result["hits"]
    assert result["total"] >= len(hits) >= 1
    assert hits[0]["id"] == "2501.00002"
    assert {"id", "title", "score"} <= set(hits[0])
    assert len(hits) <= 2
    similar = json.loads(paperwire(env, "similar", "https://arxiv.org/abs/2501.00001", "--json").stdout)
    assert "2501.00001" not in [p["id"] for p in similar]
    assert "shared_terms" in similar[0]
    engine = make_engine(env["PAPERWIRE_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(insert(papers), _rows(5, ["Quantum annealing schedules"]))
    engine.dispose()
    update = json.loads(paperwire(env, "index", "update", "--json").stdout)
    assert (update["papers"], update["total"], update["rebuilt"]) == (1, 5, False)


def test_errors_are_one_line_and_exit_1_or_2_for_a_bad_query(env: dict[str, str]):
    missing = paperwire(env, "search", "graphs")
    assert missing.returncode == 1
    assert "index rebuild" in missing.stderr
    assert "Traceback" not in missing.stderr
    paperwire(env, "index", "rebuild")
    bad = paperwire(env, "search", "after:someday")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: bad date")


def test_eval_beir_reports_every_mode(env: dict[str, str], tmp_path: Path):
    beir = tmp_path / "beir"
    (beir / "qrels").mkdir(parents=True)
    corpus = [{"_id": str(n), "title": t, "text": f"{t} explained."} for n, t in enumerate(TITLES)]
    (beir / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in corpus) + "\n")
    queries = [{"_id": "q1", "text": "graph networks molecules"}, {"_id": "q2", "text": "human feedback"}]
    (beir / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries) + "\n")
    (beir / "qrels" / "test.tsv").write_bytes(b"query-id\tcorpus-id\tscore\r\nq1\t1\t1\r\nq2\t3\t1\r\n")
    result = paperwire(env, "eval", "beir", str(beir), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"hybrid", "lexical", "semantic"}
    assert report["lexical"]["ndcg@10"] == 1.0
    assert {"ndcg@10", "recall@100", "mrr@10", "latency_ms_p50", "latency_ms_p95"} <= set(report["hybrid"])


def test_gibberish_says_no_papers_match_and_lists_the_nearest_apart(env: dict[str, str]):
    assert paperwire(env, "index", "rebuild").returncode == 0
    result = json.loads(paperwire(env, "search", "asdkjhqwe zzxq", "--json").stdout)
    assert (result["total"], result["hits"]) == (0, [])
    human = paperwire(env, "search", "asdkjhqwe zzxq")
    assert human.returncode == 0
    assert human.stdout.startswith("No papers match 'asdkjhqwe zzxq'")
    assert "matches (" not in human.stdout


def test_misspelt_query_gets_suggestions_from_the_index_vocabulary(env: dict[str, str]):
    engine = make_engine(env["PAPERWIRE_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(insert(papers), _rows(5, ["Molecules everywhere", "Molecules again"]))
    engine.dispose()
    assert paperwire(env, "index", "rebuild").returncode == 0
    result = json.loads(paperwire(env, "search", "moleculse", "--json", "--mode", "lexical").stdout)
    assert result["total"] == 0
    assert result["suggestions"][0] == "molecules"
    human = paperwire(env, "search", "moleculse", "--mode", "lexical")
    assert "Did you mean: molecules" in human.stdout
