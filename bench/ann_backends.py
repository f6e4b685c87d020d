"""The vector indexes bench/ann.py compares, behind one small interface.

Each backend builds from the corpus file (read in blocks with plain file reads, so the process's RSS is the
index and not a mapped copy of the corpus), answers one query at a time on one thread, optionally under a
filter mask, saves itself, and says whether it takes incremental adds and loads memory-mapped. The exact
scans are the product's: `vectors @ query` then `paperwire.search.fusion.best_rows` (argpartition top-k
under the allowed mask), on fp32 as the index stores it today, or on fp16 / int8 rows upcast block by block.

Threads: builds use every core of the machine (2 here), queries one (as a web worker would, and as the
product's one-BLAS-thread rule does).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import threadpoolctl

from paperwire.search.fusion import best_rows

BUILD_THREADS = os.cpu_count() or 2
READ_BLOCK = 65_536  # rows per read while building
SCAN_BLOCK = 8_192  # rows per upcast while scanning compact (fp16 / int8) rows


def corpus_blocks(path: Path, size: int, block: int = READ_BLOCK) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, float32 rows) of the first `size` rows of a 2-D float32 .npy file, by plain reads."""
    with path.open("rb") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, _ = read_header(handle)
        dim = shape[1]
        for start in range(0, size, block):
            count = min(block, size - start)
            yield start, np.fromfile(handle, dtype=np.float32, count=count * dim).reshape(count, dim)


def read_corpus(path: Path, size: int) -> np.ndarray:
    return np.concatenate([rows for _, rows in corpus_blocks(path, size)])


class Backend:
    """One index configuration. `knob` is the query-time accuracy setting (ef_search, nprobe; None for scans)."""

    name = ""
    knobs: tuple[int | None, ...] = (None,)
    incremental = False
    mmap = False
    predicate = False  # the library can apply the filter itself during the search

    def __init__(self, **params: Any) -> None:
        self.params = params

    def build(self, path: Path, size: int) -> None:
        raise NotImplementedError

    def search(self, query: np.ndarray, k: int, knob: int | None, mask: np.ndarray | None = None) -> np.ndarray:
        """Rows of the best k (best first); with `mask`, through the library's own filter predicate."""
        raise NotImplementedError

    def add(self, first_row: int, vectors: np.ndarray) -> None:
        raise NotImplementedError

    def save(self, directory: Path) -> Path:
        raise NotImplementedError

    def load_mapped(self, path: Path) -> None:
        """Replace the index by the saved one, opened memory-mapped (only when `mmap`)."""
        raise NotImplementedError

    def memory_bytes(self) -> int:
        return 0


class ExactScan(Backend):
    """The product's scan: fp32 rows (`vectors @ q` with BLAS), or fp16 / int8 rows upcast per block.

    int8 is symmetric per dimension (scale = 127 / max |x_d|); the query is divided by the scales instead,
    so a score is one dot product of the int8 row with a float query."""

    knobs = (None,)
    incremental = True
    mmap = True
    predicate = True  # the allowed mask of best_rows

    def __init__(self, dtype: str = "f32") -> None:
        super().__init__(dtype=dtype)
        self.name = f"numpy-exact-{dtype}"
        self.rows = np.zeros((0, 0), np.float32)
        self.scales = np.ones(1, np.float32)

    def _encode(self, vectors: np.ndarray) -> np.ndarray:
        if self.params["dtype"] == "f16":
            return vectors.astype(np.float16)
        if self.params["dtype"] == "i8":
            return np.clip(np.rint(vectors * self.scales), -127, 127).astype(np.int8)
        return vectors

    def build(self, path: Path, size: int) -> None:
        if self.params["dtype"] == "i8":
            peak = np.zeros(0, np.float32)
            for _, rows in corpus_blocks(path, size):
                peak = np.maximum(peak, np.abs(rows).max(axis=0)) if peak.size else np.abs(rows).max(axis=0)
            self.scales = (127.0 / np.maximum(peak, 1e-6)).astype(np.float32)
        self.rows = np.empty((size, 384), dtype=self._encode(np.zeros((1, 384), np.float32)).dtype)
        for start, rows in corpus_blocks(path, size):
            self.rows[start : start + len(rows)] = self._encode(rows)

    def scores(self, query: np.ndarray) -> np.ndarray:
        if self.params["dtype"] == "f32":
            return np.asarray(self.rows @ query, dtype=np.float32)
        scaled = (query / self.scales).astype(np.float32)
        out = np.empty(len(self.rows), np.float32)
        for start in range(0, len(self.rows), SCAN_BLOCK):
            block = self.rows[start : start + SCAN_BLOCK]
            np.dot(block.astype(np.float32), scaled, out=out[start : start + len(block)])
        return out

    def search(self, query: np.ndarray, k: int, knob: int | None, mask: np.ndarray | None = None) -> np.ndarray:
        return best_rows(self.scores(query), k, mask)

    def add(self, first_row: int, vectors: np.ndarray) -> None:
        self.rows = np.concatenate([self.rows, self._encode(vectors)])

    def save(self, directory: Path) -> Path:
        path = directory / f"{self.name}.npy"
        np.save(path, self.rows)
        np.save(path.with_suffix(".scales.npy"), self.scales)
        return path

    def load_mapped(self, path: Path) -> None:
        self.rows = np.load(path, mmap_mode="r")
        self.scales = np.load(path.with_suffix(".scales.npy"))

    def memory_bytes(self) -> int:
        return int(self.rows.nbytes)


class Hnswlib(Backend):
    """hnswlib (inner product on unit vectors); the filter is a Python callable per visited node."""

    knobs = (100, 200, 400, 800, 1600)
    incremental = True
    predicate = True

    def __init__(self, m: int = 16, ef_construction: int = 200) -> None:
        super().__init__(m=m, ef_construction=ef_construction)
        self.name = f"hnswlib-M{m}-efc{ef_construction}"

    def build(self, path: Path, size: int) -> None:
        import hnswlib

        self.index = hnswlib.Index(space="ip", dim=384)
        self.index.init_index(max_elements=size, M=self.params["m"], ef_construction=self.params["ef_construction"])
        for start, rows in corpus_blocks(path, size):
            self.index.add_items(rows, np.arange(start, start + len(rows)), num_threads=BUILD_THREADS)

    def search(self, query: np.ndarray, k: int, knob: int | None, mask: np.ndarray | None = None) -> np.ndarray:
        self.index.set_ef(max(knob or k, k))
        allowed = None if mask is None else (lambda label: bool(mask[label]))
        labels, _ = self.index.knn_query(query, k=k, num_threads=1, filter=allowed)
        return labels[0].astype(np.int64)

    def add(self, first_row: int, vectors: np.ndarray) -> None:
        self.index.resize_index(self.index.get_current_count() + len(vectors))
        self.index.add_items(vectors, np.arange(first_row, first_row + len(vectors)), num_threads=1)

    def save(self, directory: Path) -> Path:
        path = directory / f"{self.name}.bin"
        self.index.save_index(str(path))
        return path


class Usearch(Backend):
    """usearch HNSW, f32 (inner product) or i8 (cosine; usearch scales unit vectors to int8 itself)."""

    knobs = (100, 200, 400, 800, 1600)
    incremental = True
    mmap = True

    def __init__(self, dtype: str = "f32", m: int = 16, ef_construction: int = 200) -> None:
        super().__init__(dtype=dtype, m=m, ef_construction=ef_construction)
        self.name = f"usearch-{dtype}-M{m}-efc{ef_construction}"

    def build(self, path: Path, size: int) -> None:
        from usearch.index import Index

        self.index = Index(
            ndim=384,
            metric="ip" if self.params["dtype"] == "f32" else "cos",
            dtype=self.params["dtype"],
            connectivity=self.params["m"],
            expansion_add=self.params["ef_construction"],
        )
        for start, rows in corpus_blocks(path, size):
            self.index.add(np.arange(start, start + len(rows)), rows, threads=BUILD_THREADS)

    def search(self, query: np.ndarray, k: int, knob: int | None, mask: np.ndarray | None = None) -> np.ndarray:
        if mask is not None:
            raise NotImplementedError("usearch's Python API has no filter predicate")
        self.index.expansion_search = max(knob or k, k)
        return np.asarray(self.index.search(query, k, threads=1).keys, dtype=np.int64)

    def add(self, first_row: int, vectors: np.ndarray) -> None:
        self.index.add(np.arange(first_row, first_row + len(vectors)), vectors, threads=1)

    def save(self, directory: Path) -> Path:
        path = directory / f"{self.name}.usearch"
        self.index.save(str(path))
        return path

    def load_mapped(self, path: Path) -> None:
        from usearch.index import Index

        self.index = Index.restore(str(path), view=True)

    def memory_bytes(self) -> int:
        return int(self.index.memory_usage)


class Faiss(Backend):
    """faiss-cpu: HNSW (flat fp32 or SQ8 storage) or IVF (flat fp32 or SQ8 lists), inner product.

    The filter predicate is an IDSelectorBitmap passed in the search parameters (checked in C++)."""

    incremental = True
    mmap = True
    predicate = True

    def __init__(self, kind: str = "hnsw", storage: str = "flat", m: int = 32, ef_construction: int = 200) -> None:
        super().__init__(kind=kind, storage=storage, m=m, ef_construction=ef_construction)
        self.name = f"faiss-{kind}-{storage}" + (f"-M{m}-efc{ef_construction}" if kind == "hnsw" else "")
        self.knobs = (100, 200, 400, 800, 1600) if kind == "hnsw" else (8, 16, 32, 64, 128, 256)
        self._bitmaps: dict[int, Any] = {}

    def build(self, path: Path, size: int) -> None:
        import faiss

        faiss.omp_set_num_threads(BUILD_THREADS)
        ip = faiss.METRIC_INNER_PRODUCT
        if self.params["kind"] == "hnsw":
            m = self.params["m"]
            if self.params["storage"] == "sq8":
                self.index = faiss.IndexHNSWSQ(384, faiss.ScalarQuantizer.QT_8bit, m, ip)
            else:
                self.index = faiss.IndexHNSWFlat(384, m, ip)
            self.index.hnsw.efConstruction = self.params["ef_construction"]
        else:
            nlist = int(2 ** round(np.log2(4 * np.sqrt(size))))  # ~4 sqrt(N) lists: 2,048 at 300k, 8,192 at 3M
            self.params["nlist"] = nlist
            quantizer = faiss.IndexFlatIP(384)
            if self.params["storage"] == "sq8":
                self.index = faiss.IndexIVFScalarQuantizer(quantizer, 384, nlist, faiss.ScalarQuantizer.QT_8bit, ip)
            else:
                self.index = faiss.IndexIVFFlat(quantizer, 384, nlist, ip)
            self.quantizer = quantizer  # the IVF index does not own it
        if not self.index.is_trained:
            self._train(path, size)
        for _, rows in corpus_blocks(path, size):
            self.index.add(rows)
        faiss.omp_set_num_threads(1)

    def _train(self, path: Path, size: int) -> None:
        """Train on an evenly spaced sample (k-means for IVF lists, min/max for SQ8): 64 per list, <= 300k."""
        nlist = self.params.get("nlist", 1)
        wanted = min(size, max(100_000, 64 * nlist), 300_000)
        step = max(1, size // wanted)
        sample = np.concatenate([rows[::step] for _, rows in corpus_blocks(path, size)])
        self.index.train(sample[:wanted])
        self.params["train_rows"] = int(min(len(sample), wanted))

    def _selector(self, mask: np.ndarray) -> Any:
        import faiss

        key = id(mask)
        if key not in self._bitmaps:
            bits = np.packbits(mask, bitorder="little")
            self._bitmaps[key] = (faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits)), bits, mask)
        return self._bitmaps[key][0]

    def search(self, query: np.ndarray, k: int, knob: int | None, mask: np.ndarray | None = None) -> np.ndarray:
        import faiss

        selector = None if mask is None else self._selector(mask)
        if self.params["kind"] == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(knob or k, k), sel=selector)
        else:
            params = faiss.SearchParametersIVF(nprobe=knob or 1, sel=selector)
        _, labels = self.index.search(query[np.newaxis, :], k, params=params)
        rows = labels[0].astype(np.int64)
        return rows[rows >= 0]

    def add(self, first_row: int, vectors: np.ndarray) -> None:
        self.index.add(vectors)

    def save(self, directory: Path) -> Path:
        import faiss

        path = directory / f"{self.name}.faiss"
        faiss.write_index(self.index, str(path))
        return path

    def load_mapped(self, path: Path) -> None:
        import faiss

        self.index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)


class FaissFlat(Faiss):
    """faiss's own exact scans (C++ SIMD): fp32 IndexFlatIP, or scalar-quantised fp16 / int8 codes."""

    def __init__(self, storage: str = "f32") -> None:
        Backend.__init__(self, storage=storage)
        self.name = f"faiss-exact-{storage}"
        self.knobs = (None,)
        self._bitmaps = {}

    def build(self, path: Path, size: int) -> None:
        import faiss

        faiss.omp_set_num_threads(BUILD_THREADS)
        if self.params["storage"] == "f32":
            self.index = faiss.IndexFlatIP(384)
        else:
            kind = faiss.ScalarQuantizer.QT_fp16 if self.params["storage"] == "f16" else faiss.ScalarQuantizer.QT_8bit
            self.index = faiss.IndexScalarQuantizer(384, kind, faiss.METRIC_INNER_PRODUCT)
            self.index.train(np.concatenate([rows[::10] for _, rows in corpus_blocks(path, min(size, 1_000_000))]))
        for _, rows in corpus_blocks(path, size):
            self.index.add(rows)
        faiss.omp_set_num_threads(1)

    def search(self, query: np.ndarray, k: int, knob: int | None, mask: np.ndarray | None = None) -> np.ndarray:
        import faiss

        params = faiss.SearchParameters(sel=None if mask is None else self._selector(mask))
        _, labels = self.index.search(query[np.newaxis, :], k, params=params)
        rows = labels[0].astype(np.int64)
        return rows[rows >= 0]


def make(spec: str) -> Backend:
    """A backend from its spec: `name` or `name:key=value,key=value` (e.g. `faiss-hnsw:m=32,ef_construction=100`)."""
    name, _, rest = spec.partition(":")
    params: dict[str, Any] = {}
    for pair in filter(None, rest.split(",")):
        key, _, value = pair.partition("=")
        params[key] = int(value) if value.isdigit() else value
    factories = {
        "exact-f32": lambda: ExactScan("f32"),
        "exact-f16": lambda: ExactScan("f16"),
        "exact-i8": lambda: ExactScan("i8"),
        "faiss-exact-f32": lambda: FaissFlat("f32"),
        "faiss-exact-f16": lambda: FaissFlat("f16"),
        "faiss-exact-sq8": lambda: FaissFlat("sq8"),
        "hnswlib": lambda: Hnswlib(**params),
        "usearch-f32": lambda: Usearch("f32", **params),
        "usearch-i8": lambda: Usearch("i8", **params),
        "faiss-hnsw": lambda: Faiss("hnsw", "flat", **params),
        "faiss-hnsw-sq8": lambda: Faiss("hnsw", "sq8", **params),
        "faiss-ivf": lambda: Faiss("ivf", "flat"),
        "faiss-ivf-sq8": lambda: Faiss("ivf", "sq8"),
    }
    if name not in factories:
        raise SystemExit(f"unknown backend {name!r}: use one of {', '.join(factories)}")
    return factories[name]()


def import_libraries() -> None:
    """Import every installed index library (so a memory measurement after it leaves their code out)."""
    import importlib

    for name in ("faiss", "usearch.index", "hnswlib"):
        try:
            importlib.import_module(name)
        except ImportError:
            continue


def one_thread() -> None:
    """Queries on one thread: BLAS (numpy) and OpenMP (faiss)."""
    threadpoolctl.threadpool_limits(1)
