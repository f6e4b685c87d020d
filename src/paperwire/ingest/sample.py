"""The built-in sample: recent arXiv cs papers with their all-MiniLM-L6-v2 vectors, for a first run offline.

`sample_data/` is written by bench/build_sample.py (from a daily-listing file, at build time) and holds
three files: papers.jsonl.gz (daily-listing records, ingested like any `paperwire ingest file`),
vectors.npz (one int8 vector per paper with its scale, and the content hash it was computed from) and
manifest.json (model name, counts, days, source). The vectors are stored as the product's embedder named
them, so `paperwire index update` finds nothing to embed and builds the index from them; a paper whose
content changed since gets no vector from here and is embedded like any other. arXiv metadata is CC0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from paperwire.errors import NotFound
from paperwire.ingest import sources
from paperwire.ingest.service import IngestReport, IngestService, ProgressCallback
from paperwire.storage import documents

SAMPLE_DIR = Path(__file__).with_name("sample_data")
PAPERS_FILE = "papers.jsonl.gz"
VECTORS_FILE = "vectors.npz"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True, kw_only=True)
class SampleManifest:
    model: str  # the embedder name the vectors were stored under
    dim: int
    papers: int
    first_day: str
    last_day: str
    source: str
    license: str


@dataclass(frozen=True)
class SampleReport:
    ingest: IngestReport
    vectors: int  # vectors stored (dry run: vectors the sample holds)
    manifest: SampleManifest

    def as_dict(self) -> dict[str, Any]:
        return self.ingest.as_dict() | {"vectors": self.vectors, "model": self.manifest.model}

    def summary(self) -> str:
        """'2,738 cs papers announced 2026-06-17 to 2026-07-01'"""
        m = self.manifest
        return f"{m.papers:,} arXiv cs papers announced {m.first_day} to {m.last_day}"


def read_manifest(folder: Path = SAMPLE_DIR) -> SampleManifest:
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise NotFound(f"the built-in sample is missing ({path}); build it with bench/build_sample.py")
    data = json.loads(path.read_text(encoding="utf-8"))
    return SampleManifest(**{key: data[key] for key in SampleManifest.__dataclass_fields__})


def quantize(vectors: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """int8 per row with one float32 scale per row (cosine to the original > 0.9999)."""
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def dequantize(codes: npt.NDArray[np.int8], scales: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    matrix = codes.astype(np.float32) * scales[:, None]
    norms = np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    result: npt.NDArray[np.float32] = (matrix / norms).astype(np.float32)
    return result


def read_vectors(folder: Path = SAMPLE_DIR) -> dict[str, tuple[str, npt.NDArray[np.float32]]]:
    """{paper_id: (content_hash, unit vector)} from vectors.npz."""
    with np.load(folder / VECTORS_FILE, allow_pickle=False) as data:
        ids, hashes = data["ids"].tolist(), data["hashes"].tolist()
        matrix = dequantize(data["vectors"], data["scales"])
    return {pid: (digest, matrix[row]) for row, (pid, digest) in enumerate(zip(ids, hashes, strict=True))}


def load_sample(
    service: IngestService,
    *,
    folder: Path = SAMPLE_DIR,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> SampleReport:
    """Ingest the sample's papers (idempotent, like `ingest file`), then store their precomputed vectors."""
    manifest = read_manifest(folder)
    report = sources.ingest_files(service, [folder / PAPERS_FILE], "listing", dry_run=dry_run, on_progress=on_progress)
    vectors = read_vectors(folder)
    if dry_run:
        return SampleReport(report, len(vectors), manifest)
    stored = documents.store_precomputed_vectors(service.engine, manifest.model, manifest.dim, vectors)
    return SampleReport(report, stored, manifest)
