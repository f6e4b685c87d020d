"""`paperwire search` embeds the query with onnxruntime and `tokenizers` only: torch and transformers stay
unimported (they cost seconds of every cold call). Marker `model`: exports the real MiniLM once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert

from paperwire.search.dense import MiniLMEmbedder
from paperwire.search.service import SearchService
from paperwire.storage.db import make_engine
from paperwire.storage.tables import METADATA, papers
from tests.functional.test_search_cli import TITLES, _rows

pytestmark = [pytest.mark.model, pytest.mark.timeout(600)]

PROBE = """
import sys
from paperwire.cli import main
sys.argv = ["paperwire", "search", "graph neural networks", "--json"]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers", "sentence_transformers"))
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


class RandomDocuments(MiniLMEmbedder):
    """The real model's name (and query path); random document vectors, so the test embeds no abstracts."""

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        vectors = np.random.default_rng(0).standard_normal((len(texts), self.dim)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_search_subprocess_never_imports_torch_or_transformers(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/cold.db"
    engine = make_engine(url)
    METADATA.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(papers), _rows(1, TITLES))
    embedder = RandomDocuments(cache_dir=tmp_path / "index" / "models")
    SearchService(engine, index_dir=tmp_path / "index", embedder=embedder).rebuild_index()
    engine.dispose()
    env = os.environ | {
        "PAPERWIRE_DATABASE_URL": url,
        "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
        "PAPERWIRE_EMBEDDER": "minilm",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300, check=True
    )
    page = json.loads(result.stdout)
    assert page["mode"] == "hybrid"
    assert page["hits"][0]["title"] == "Graph neural networks for molecules"
    assert result.stderr.rstrip().splitlines()[-1] == "HEAVY="
