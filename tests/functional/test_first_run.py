"""The first run offline: `ingest recent` loads the built-in sample into an empty database, with vectors
that `index update` uses as they are; `ingest sample` loads it on request."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from paperwire.ingest import sample, sources
from paperwire.ingest.service import IngestService
from paperwire.storage import documents
from tests.functional.test_cli_ingest import paper_line, run, write_jsonl


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_offline(database_url: str, *args: str) -> tuple[int, str, str]:
    """`paperwire ARGS` with arXiv's API on a closed local port (a refused connection, like no network)."""
    env = {
        "PAPERWIRE_ARXIV_API_URL": f"http://127.0.0.1:{closed_port()}/api/query",
        "PAPERWIRE_ARXIV_CATEGORIES": "cs.LG",
    }
    done = run(database_url, *args, extra_env=env)
    return done.returncode, done.stdout, done.stderr


def test_recent_offline_loads_the_sample_into_an_empty_database_and_says_so_in_one_sentence(
    database_url: str, engine: Engine
) -> None:
    manifest = sample.read_manifest()
    code, _, stderr = run_offline(database_url, "ingest", "recent")
    assert code == 0
    assert stderr.strip().splitlines() == [
        "arXiv is unreachable, so paperwire loaded its built-in sample of "
        f"{manifest.papers:,} arXiv cs papers announced {manifest.first_day} to {manifest.last_day}."
    ]
    assert documents.count_papers(engine) == manifest.papers
    # every paper has the vector `index update` looks for, so it embeds nothing
    assert documents.count_missing_embeddings(engine, manifest.model) == 0


def test_serve_prepare_migrates_loads_indexes_and_serves_in_one_process(tmp_path: Path, database_url: str) -> None:
    """What `make serve` runs: offline on a database without papers, one command ends with a page of papers."""
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")} | {
        "PAPERWIRE_DATABASE_URL": database_url,
        "PAPERWIRE_ARXIV_API_URL": f"http://127.0.0.1:{closed_port()}/api/query",
        "PAPERWIRE_ARXIV_CATEGORIES": "cs.LG",
        "PAPERWIRE_EMBEDDER": "hashing",
        "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
    }
    command = [sys.executable, "-m", "paperwire", "serve", "--prepare", "--port", str(port), "--no-access-log"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page, deadline = "", time.monotonic() + 180
        while "paper-card" not in page and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    page = response.read().decode()
            except OSError:
                continue
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=60)
    assert "paper-card" in page, stderr
    assert "loaded its built-in sample of" in stderr
    assert f"indexed {sample.read_manifest().papers:,} papers" in stdout


def test_recent_offline_keeps_a_database_that_has_papers(tmp_path: Path, database_url: str, engine: Engine) -> None:
    source = write_jsonl(tmp_path / "one.jsonl", [paper_line(1)])
    assert run(database_url, "ingest", "file", str(source)).returncode == 0
    code, _, stderr = run_offline(database_url, "ingest", "recent")
    assert code == 0
    assert stderr.strip() == "arXiv is unreachable, so paperwire serves the 1 paper already in the database."
    assert documents.count_papers(engine) == 1


def test_recent_offline_json_is_one_document_and_stderr_stays_quiet(database_url: str) -> None:
    code, stdout, stderr = run_offline(database_url, "ingest", "recent", "--json")
    reports = json.loads(stdout)
    assert code == 0
    assert [(r["source"], r["arxiv_reachable"], r["inserted"]) for r in reports] == [
        ("file:listing", False, sample.read_manifest().papers)
    ]
    assert stderr == ""


def test_sample_loads_again_without_changes(database_url: str, engine: Engine) -> None:
    first = json.loads(run(database_url, "ingest", "sample", "--json").stdout)
    second = json.loads(run(database_url, "ingest", "sample", "--json").stdout)
    papers = sample.read_manifest().papers
    assert (first["inserted"], first["vectors"]) == (papers, papers)
    assert (second["inserted"], second["unchanged"], second["vectors"]) == (0, papers, 0)


def test_a_precomputed_vector_is_stored_only_for_the_content_it_was_computed_from(engine: Engine) -> None:
    sources.ingest_files(IngestService(engine), [sample.SAMPLE_DIR / sample.PAPERS_FILE], "listing")
    vectors = sample.read_vectors()
    first, second = list(vectors)[:2]
    offered = {first: ("0" * 32, vectors[first][1]), second: vectors[second]}
    assert documents.store_precomputed_vectors(engine, "m", 384, offered) == 1
    assert documents.count_missing_embeddings(engine, "m") == len(vectors) - 1


def test_the_shipped_sample_is_small_consistent_and_unit_length() -> None:
    manifest = sample.read_manifest()
    with gzip.open(sample.SAMPLE_DIR / sample.PAPERS_FILE, "rt", encoding="utf-8") as stream:
        ids = [json.loads(line)["id"] for line in stream]
    vectors = sample.read_vectors()
    matrix = np.stack([v for _, v in vectors.values()])
    size = sum(p.stat().st_size for p in sample.SAMPLE_DIR.iterdir())
    assert sorted(ids) == sorted(vectors)
    assert len(ids) == manifest.papers
    assert matrix.shape == (manifest.papers, manifest.dim)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    assert size < 4_000_000
    assert manifest.model == "all-MiniLM-L6-v2-onnx-int8-256"  # what make_embedder(minilm) names its vectors


def test_int8_storage_keeps_cosine_above_0_9999() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    restored = sample.dequantize(*sample.quantize(vectors))
    assert float((restored * vectors).sum(axis=1).min()) > 0.9999


@pytest.mark.model
@pytest.mark.slow
def test_sample_vectors_are_what_the_product_embedder_computes(tmp_path: Path, engine: Engine) -> None:
    from paperwire.config import load_settings
    from paperwire.search.dense import make_embedder
    from paperwire.search.store import embedding_text

    sample.load_sample(IngestService(engine))
    embedder = make_embedder(load_settings({}, embedder="minilm", index_dir=str(tmp_path)))
    assert embedder is not None
    docs = next(documents.iter_documents(engine, batch=16))
    fresh = embedder.embed_documents([embedding_text(d) for d in docs])
    shipped = documents.load_vectors(engine, embedder.name, [d.id for d in docs])
    cosines = [float(fresh[n] @ shipped[d.id]) for n, d in enumerate(docs)]
    assert min(cosines) > 0.99
