"""The index on disk: a generation directory of .npy/.json files plus a manifest with checksums,
published by atomically replacing the CURRENT pointer (write temp file, fsync, os.replace).

A crash mid-write leaves CURRENT on the previous generation; a generation whose checksums do not
match its manifest is refused. Readers open arrays read-only with mmap, so processes share pages.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from paperwire.errors import NotFound, PaperwireError
from paperwire.search.bm25 import LexicalIndex
from paperwire.search.compressed import Compressed
from paperwire.search.index import KeywordIndex, SearchIndex
from paperwire.search.lazy import LazyList, LazyVocab, sorted_vocab

FORMAT = 1
POINTER = "CURRENT"
LOCK = ".writer.lock"


class CorruptIndex(PaperwireError):
    """The index on disk does not match its manifest; run `paperwire index rebuild`."""


def _checksum(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


SAMPLE_BYTES = 1 << 16  # head and tail of each file, hashed for the quick check


def _stamp(path: Path) -> list[Any]:
    """[size, mtime_ns, blake2b of the first and last SAMPLE_BYTES]: the quick check of an unchanged file."""
    stat = path.stat()
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        digest.update(handle.read(SAMPLE_BYTES))
        handle.seek(max(stat.st_size - SAMPLE_BYTES, 0))
        digest.update(handle.read(SAMPLE_BYTES))
    return [stat.st_size, stat.st_mtime_ns, digest.hexdigest()]


def _write_json(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def _atomic_write(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _arrays(index: SearchIndex) -> dict[str, Any]:
    arrays: dict[str, Any] = {
        "dates": index.dates,
        "phrase_text": index.phrase_text,
        "phrase_offsets": index.phrase_offsets,
        "vectors": index.vectors,
        "has_vector": index.has_vector,
    } | sorted_vocab(list(index.lexical.vocab))
    for prefix, matrix in (
        ("tf", index.tf),
        ("weights", index.lexical.weights),
        ("authors", index.authors.postings),
        ("categories", index.categories.postings),
    ):
        arrays |= {
            f"{prefix}_data": matrix.data,
            f"{prefix}_indices": matrix.indices,
            f"{prefix}_indptr": matrix.indptr,
        }
    return arrays


def save_index(index: SearchIndex, directory: str | Path) -> Path:
    """Write a new generation and point CURRENT at it; returns the generation directory."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
    for name, array in _arrays(index).items():
        np.save(staging / f"{name}.npy", np.ascontiguousarray(array))
    _write_json(staging / "ids.json", index.ids)
    _write_json(staging / "hashes.json", list(index.content_hashes))
    _write_json(staging / "terms.json", {"vocab": list(index.lexical.vocab), "labels": list(index.labels)})
    _write_json(
        staging / "keywords.json", {"authors": list(index.authors.vocab), "categories": list(index.categories.vocab)}
    )
    files = {p.name: _checksum(p) for p in sorted(staging.iterdir())}
    manifest = {
        "format": FORMAT,
        "seq": index.seq,
        "count": index.size,
        "embedder": index.embedder,
        "shapes": {
            "tf": list(index.tf.shape),
            "authors": list(index.authors.postings.shape),
            "categories": list(index.categories.postings.shape),
        },
        "files": files,
        # Hashing every file (350 MiB at 74k papers) took 0.5-4 s of each cold `paperwire search`; a file whose
        # size, mtime and sampled head/tail are as written is trusted, anything else is hashed in full.
        "stamps": {p.name: _stamp(p) for p in sorted(staging.iterdir())},
    }
    _write_json(staging / "manifest.json", manifest)
    generation = root / f"gen-{index.seq:012d}-{uuid.uuid4().hex[:8]}"
    os.replace(staging, generation)
    previous = current_generation(root)
    _atomic_write(root / POINTER, generation.name + "\n")
    _remove_old_generations(root, keep={generation.name, previous.name if previous else ""})
    return generation


@contextmanager
def writer_lock(directory: str | Path, *, wait: bool = True) -> Iterator[bool]:
    """One writer per index directory at a time (the web processes of a host, the worker and the CLI may
    share one): yields True while held; with wait=False, False at once when another process holds it.
    Without it, two writers could each remove the other's half-written generation."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_old_generations(root: Path, keep: set[str]) -> None:
    for path in root.iterdir():
        if path.is_dir() and path.name not in keep and path.name.startswith(("gen-", ".building-")):
            shutil.rmtree(path, ignore_errors=True)


def current_generation(directory: str | Path) -> Path | None:
    pointer = Path(directory) / POINTER
    if not pointer.exists():
        return None
    return Path(directory) / pointer.read_text(encoding="utf-8").strip()


def published_seq(directory: str | Path) -> int:
    """The papers.seq of the published generation, from its name (gen-<seq>-...): one small file read,
    the same on every host at the same seq; 0 without an index."""
    generation = current_generation(directory)
    try:
        return int(generation.name.split("-")[1]) if generation else 0
    except (IndexError, ValueError):
        return 0


def load_index(directory: str | Path, *, verify: bool = True) -> SearchIndex:
    generation = current_generation(directory)
    if generation is None:
        raise NotFound(f"no search index in {directory}: run `paperwire index rebuild`")
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CorruptIndex(f"{generation}: unreadable manifest ({error}); run `paperwire index rebuild`") from None
    if manifest.get("format") != FORMAT:
        raise CorruptIndex(f"{generation}: index format {manifest.get('format')}; run `paperwire index rebuild`")
    if verify:
        _verify(generation, manifest["files"], manifest.get("stamps", {}))
    return _read(generation, manifest)


def _verify(generation: Path, files: dict[str, str], stamps: dict[str, list[Any]]) -> None:
    for name, expected in files.items():
        path = generation / name
        if not path.exists():
            raise CorruptIndex(f"{path}: missing; run `paperwire index rebuild`")
        if name in stamps and _stamp(path) == stamps[name]:
            continue
        if _checksum(path) != expected:
            raise CorruptIndex(f"{path}: checksum mismatch; run `paperwire index rebuild`")


def _read(generation: Path, manifest: dict[str, Any]) -> SearchIndex:
    def array(name: str) -> np.ndarray:
        loaded: np.ndarray = np.load(generation / f"{name}.npy", mmap_mode="r")
        return loaded

    def matrix(prefix: str, shape: list[int], kind: str) -> Compressed:
        rows, columns = shape
        return Compressed(
            array(f"{prefix}_data"), array(f"{prefix}_indices"), array(f"{prefix}_indptr"), (rows, columns), kind
        )

    def read(name: str) -> Any:
        return json.loads((generation / name).read_text(encoding="utf-8"))

    # Read on first use only (lazy.py): a query needs the columns of its terms, found in the sorted arrays.
    terms, keywords, shapes = (
        cache(lambda: read("terms.json")),
        cache(lambda: read("keywords.json")),
        manifest["shapes"],
    )
    names = manifest["files"]
    sorted_arrays = (
        (array("vocab_blob"), array("vocab_offsets"), array("vocab_columns")) if "vocab_blob.npy" in names else None
    )
    return SearchIndex(
        ids=read("ids.json"),
        seq=int(manifest["seq"]),
        tf=matrix("tf", shapes["tf"], "csr"),
        lexical=LexicalIndex(
            matrix("weights", shapes["tf"], "csc"), LazyVocab(lambda: terms()["vocab"], sorted_arrays)
        ),
        labels=LazyList(lambda: terms()["labels"]),
        authors=KeywordIndex(matrix("authors", shapes["authors"], "csc"), LazyVocab(lambda: keywords()["authors"])),
        categories=KeywordIndex(
            matrix("categories", shapes["categories"], "csc"), LazyVocab(lambda: keywords()["categories"])
        ),
        dates=array("dates"),
        phrase_text=array("phrase_text"),
        phrase_offsets=array("phrase_offsets"),
        vectors=array("vectors"),
        has_vector=array("has_vector"),
        embedder=manifest["embedder"],
        content_hashes=LazyList(lambda: read("hashes.json")),
    )


def index_summary(directory: str | Path) -> dict[str, Any] | None:
    """What `paperwire stats` shows of the index: papers, seq, embedder, built at; None if there is none."""
    generation = current_generation(directory)
    if generation is None or not (generation / "manifest.json").is_file():
        return None
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    built = (generation / "manifest.json").stat().st_mtime
    return {
        "papers": manifest.get("count"),
        "seq": manifest.get("seq"),
        "embedder": manifest.get("embedder") or None,
        "built_at": datetime.fromtimestamp(built, UTC).isoformat(timespec="seconds"),
    }
