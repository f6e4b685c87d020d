"""Search test fixtures: a database made with METADATA.create_all (SQLite, or a private PostgreSQL
schema when PAPERWIRE_TEST_DATABASE_URL is set), paper rows inserted directly, the hashing embedder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select, text

from paperwire.domain.papers import content_hash
from paperwire.search.dense import HashingEmbedder
from paperwire.search.service import SearchService
from paperwire.storage.db import make_engine
from paperwire.storage.tables import METADATA, papers


@pytest.fixture
def search_engine(tmp_path: Path) -> Iterator[Engine]:
    url = os.environ.get("PAPERWIRE_TEST_DATABASE_URL")
    if not url:
        engine = make_engine(f"sqlite:///{tmp_path}/search.db")
        METADATA.create_all(engine)
        yield engine
        engine.dispose()
        return
    schema = f"search_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-c search_path={schema}"})
    METADATA.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def paper(paper_id: str, title: str, abstract: str, **fields: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    row = {
        "id": paper_id,
        "version": 1,
        "title": title,
        "abstract": abstract,
        "code_links": [],
        "authors_text": "",
        "categories_text": "cs.LG",
        "primary_category": "cs.LG",
        "source": "test",
        "upvotes": 0,
        "imported_upvotes": 0,
        "announced": date(2025, 3, 1),
        "ingested_at": now,
        "updated_at": now,
    } | fields
    row["content_hash"] = content_hash((row["title"], row["abstract"], row["authors_text"], row["categories_text"]))
    return row


def save_papers(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Insert or replace papers, giving each the next seq (what the ingest service does)."""
    with engine.begin() as conn:
        seq = conn.execute(select(func.coalesce(func.max(papers.c.seq), 0))).scalar_one()
        for number, row in enumerate(rows, start=seq + 1):
            conn.execute(delete(papers).where(papers.c.id == row["id"]))
            conn.execute(insert(papers), [row | {"seq": number}])


CORPUS = [
    paper(
        "2501.00001",
        "Diffusion transformers for image generation",
        "We scale diffusion models with transformer backbones and study image synthesis quality.",
        authors_text="Ada Lovelace; Alan Turing",
        categories_text="cs.CV cs.LG",
        announced=date(2025, 1, 10),
        upvotes=5,
    ),
    paper(
        "2501.00002",
        "Graph neural networks for molecules",
        "Message passing neural networks predict molecular properties from graphs.",
        authors_text="Grace Hopper",
        categories_text="cs.LG q-bio.BM",
        announced=date(2025, 2, 10),
        upvotes=50,
    ),
    paper(
        "2501.00003",
        "Large language models as zero-shot reasoners",
        "Language models solve reasoning tasks with chain of thought prompting, state of the art results.",
        authors_text="Alan Turing; Claude Shannon",
        categories_text="cs.CL",
        announced=date(2025, 3, 10),
        upvotes=20,
    ),
    paper(
        "2501.00004",
        "Reinforcement learning from human feedback",
        "We fine-tune language models with reinforcement learning from human preference data.",
        authors_text="Barbara Liskov",
        categories_text="cs.LG cs.CL",
        announced=date(2025, 4, 10),
        upvotes=1,
    ),
    paper(
        "2501.00005",
        "Schrödinger bridges for generative modelling",
        "Diffusion processes and optimal transport give image generation with Schrödinger bridges.",
        authors_text="Émilie du Châtelet",
        categories_text="stat.ML",
        announced=date(2025, 5, 10),
        upvotes=9,
    ),
    paper(
        "2501.00006",
        "The state of the art in art generation",
        "A survey: the art of generating paintings; state the problem of art.",
        authors_text="Ada Lovelace",
        categories_text="cs.CV",
        announced=date(2025, 6, 10),
    ),
]


@pytest.fixture
def service(search_engine: Engine, tmp_path: Path) -> SearchService:
    save_papers(search_engine, CORPUS)
    result = SearchService(search_engine, index_dir=tmp_path / "index", embedder=HashingEmbedder())
    result.rebuild_index()
    return result
