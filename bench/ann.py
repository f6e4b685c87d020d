"""Choosing the approximate-nearest-neighbour index for issue 14 ("all of arXiv on one machine"), by measurement.

Usage:
    python bench/ann.py [--sizes 300000 3000000] [--backends SPEC ...] [--cache DIR] [--out FILE]
    python bench/ann.py --sizes 3000000 --backends exact-f32 faiss-hnsw:m=32,ef_construction=100
    python bench/ann.py --table bench/results/ann-<stamp>.json   # the table of an earlier run

One run: embeds the real documents and queries once (bench/ann_data.py, cached), writes each corpus
(25,183 real MiniLM vectors + random unit vectors up to N, dim 384), computes the exact fp32 answers, then
measures every backend (bench/ann_backends.py) in a fresh process of its own, so its peak RSS is its own:
build time (2 threads), size on disk and in memory, single-thread query latency p50/p95 at the candidate
depths 100 and 1000 (hybrid fusion takes each retriever's top FUSION_DEPTH = 1000, search/fields.py),
Recall@10 and Recall@100 against the exact fp32 scan for real and for perturbed queries, semantic nDCG@10
on SciFact's test queries, filtered search (a filter keeping 10 % of rows: over-fetch then filter exactly,
vs the library's own predicate), incremental adds, and loading the saved index memory-mapped.
Results: a JSON file under bench/results/ (gitignored) and a table on stdout. Run under `nice -n 15`.

Backend specs: exact-f32 | exact-f16 | exact-i8 (the product's numpy scan) | faiss-exact-f32 | -f16 | -sq8 |
hnswlib | usearch-f32 | usearch-i8 | faiss-hnsw | faiss-hnsw-sq8 (each `:m=16,ef_construction=200`) |
faiss-ivf | faiss-ivf-sq8.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ann_backends
import ann_data

HERE = Path(__file__).resolve().parent
DEPTHS = (100, 1000)  # candidate depths: the brief's 100, and the product's hybrid FUSION_DEPTH
OVERFETCH = 20  # filtered search by over-fetching: ask for 20 x k, keep the allowed ones (10 % pass)
ADDED = 1_000  # vectors added after the build (incremental adds)
SLOW_MS = 400.0  # stop a knob sweep once a setting's mean latency passes this
CONFIG_BUDGET_S = 45.0  # at most this long per setting and query kind (then at least MIN_QUERIES queries)
MIN_QUERIES = 100
DEFAULT_BACKENDS = (  # numpy fp16 is left out: its upcast alone took 48 ms per query at 20k rows
    "exact-f32",
    "exact-i8",
    "faiss-exact-f32",
    "faiss-exact-f16",
    "faiss-exact-sq8",
    "hnswlib:m=16,ef_construction=100",
    "usearch-f32:m=16,ef_construction=100",
    "usearch-i8:m=16,ef_construction=100",
    "faiss-hnsw:m=16,ef_construction=100",
    "faiss-hnsw:m=32,ef_construction=100",
    "faiss-hnsw-sq8:m=32,ef_construction=100",
    "faiss-ivf",
    "faiss-ivf-sq8",
)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------- the case
def prepare_case(cache: Path, real: ann_data.Real, corpus_path: Path, size: int) -> Path:
    """case-<size>/: both query kinds, the filter mask, the exact answers, SciFact's qrels by row."""
    case = cache / f"case-{size}"
    if (case / "done").exists():
        return case
    case.mkdir(parents=True, exist_ok=True)
    corpus = np.load(corpus_path, mmap_mode="r")[:size]
    queries = {"real": real.queries, "perturbed": ann_data.perturbed_queries(corpus, len(real.queries))}
    mask = ann_data.filter_mask(size)
    np.save(case / "mask.npy", mask)
    for kind, vectors in queries.items():
        started = time.perf_counter()
        np.save(case / f"queries-{kind}.npy", vectors)
        np.save(case / f"exact-{kind}.npy", ann_data.exact_top(corpus, vectors, max(DEPTHS)))
        np.save(case / f"exact-filtered-{kind}.npy", ann_data.exact_top(corpus, vectors, 100, mask))
        print(f"  exact answers, {kind}, N={size:,}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    (case / "scifact-qrels.json").write_text(json.dumps(_scifact_qrels(real)))
    (case / "done").write_text("")
    return case


def _scifact_qrels(real: ann_data.Real) -> dict[str, dict[str, int]]:
    """{query row: {corpus row: grade}} for the SciFact test queries (rows of the real query matrix)."""
    row_of = {doc_id: row for row, doc_id in enumerate(real.doc_ids)}
    qrels: dict[str, dict[str, int]] = {}
    lines = (ann_data.SCIFACT / "qrels/test.tsv").read_text().splitlines()[1:]
    judged: dict[str, dict[str, int]] = {}
    for line in lines:
        query, doc, grade = line.split("\t")[:3]
        judged.setdefault(f"scifact:{query}", {})[f"scifact:{doc}"] = int(grade)
    for row, query_id in enumerate(real.query_ids):
        if query_id in judged:
            qrels[str(row)] = {str(row_of[d]): g for d, g in judged[query_id].items() if d in row_of}
    return qrels


# ------------------------------------------------------------------------------- one backend, one process
def _recall(found: np.ndarray, exact: np.ndarray, at: int) -> float:
    return len(set(found[:at].tolist()) & set(exact[:at].tolist())) / at


def _ndcg(found: np.ndarray, relevant: dict[str, int]) -> float:
    from paperwire.search.evaluate import ndcg_at

    return ndcg_at([str(row) for row in found.tolist()], relevant)


def _timed(backend: ann_backends.Backend, queries: np.ndarray, k: int, knob: Any, mask: Any = None) -> tuple:
    """Results and latencies, one query at a time; stops after CONFIG_BUDGET_S (slow exact scans at 3M)."""
    results, latencies, began = [], [], time.perf_counter()
    for query in queries:
        started = time.perf_counter()
        results.append(backend.search(query, k, knob, mask))
        latencies.append((time.perf_counter() - started) * 1000)
        if started - began > CONFIG_BUDGET_S and len(results) >= MIN_QUERIES:
            break
    return results, latencies


def _summary(latencies: list[float], results: list[np.ndarray], exact: np.ndarray) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(latencies, 50)), 3),
        "p95_ms": round(float(np.percentile(latencies, 95)), 3),
        "mean_ms": round(float(np.mean(latencies)), 3),
        "recall@10": round(float(np.mean([_recall(r, e, 10) for r, e in zip(results, exact, strict=False)])), 4),
        "recall@100": round(float(np.mean([_recall(r, e, 100) for r, e in zip(results, exact, strict=False)])), 4),
        "queries": len(results),
    }


def _knobs(backend: ann_backends.Backend, k: int) -> list[Any]:
    """The query-time settings to sweep at depth k (an HNSW ef below k is raised to k)."""
    if backend.knobs == (None,):
        return [None]
    if backend.name.startswith("faiss-ivf"):
        return list(backend.knobs)
    return sorted({max(knob, k) for knob in backend.knobs} | ({2 * k} if k >= 1000 else set()))


def _sweep(backend: ann_backends.Backend, case: Path) -> list[dict[str, Any]]:
    qrels = json.loads((case / "scifact-qrels.json").read_text())
    rows = []
    for kind in ("real", "perturbed"):
        queries, exact = np.load(case / f"queries-{kind}.npy"), np.load(case / f"exact-{kind}.npy")
        backend.search(queries[0], 10, _knobs(backend, 100)[0])  # first-touch costs out of the timings
        for k in DEPTHS:
            for knob in _knobs(backend, k):
                results, latencies = _timed(backend, queries, k, knob)
                row = {"kind": kind, "k": k, "knob": knob, **_summary(latencies, results, exact)}
                if kind == "real" and k == 100 and qrels:
                    scores = [_ndcg(results[int(q)], rel) for q, rel in qrels.items() if int(q) < len(results)]
                    row["scifact_ndcg@10"] = round(float(np.mean(scores)), 4)
                rows.append(row)
                print(f"    {backend.name} {kind} k={k} knob={knob}: {row}", file=sys.stderr, flush=True)
                if row["mean_ms"] > SLOW_MS:
                    break
    return rows


def _filtered(backend: ann_backends.Backend, case: Path, size: int) -> list[dict[str, Any]]:
    """k = 100 under the 10 % filter: over-fetch 20 x k and filter exactly, or the library's predicate."""
    mask = np.load(case / "mask.npy")
    rows = []
    for kind in ("real", "perturbed"):
        queries, exact = np.load(case / f"queries-{kind}.npy"), np.load(case / f"exact-filtered-{kind}.npy")
        if backend.knobs != (None,):
            fetch = min(size, 100 * OVERFETCH)
            found, latencies = [], []
            for knob in _knobs(backend, fetch)[:1] if not backend.name.startswith("faiss-ivf") else backend.knobs:
                found, latencies = [], []
                for query in queries:
                    started = time.perf_counter()
                    candidates = backend.search(query, fetch, knob)
                    found.append(candidates[mask[candidates]][:100])
                    latencies.append((time.perf_counter() - started) * 1000)
                row = {"kind": kind, "approach": f"over-fetch {OVERFETCH}x", "knob": knob}
                rows.append(row | _summary(latencies, found, exact))
                print(f"    {backend.name} filtered {rows[-1]}", file=sys.stderr, flush=True)
        if not backend.predicate:
            continue
        for knob in _knobs(backend, 100):
            results, latencies = _timed(backend, queries, 100, knob, mask)
            rows.append({"kind": kind, "approach": "predicate", "knob": knob, **_summary(latencies, results, exact)})
            print(f"    {backend.name} filtered {rows[-1]}", file=sys.stderr, flush=True)
            if rows[-1]["mean_ms"] > SLOW_MS:
                break
    return rows


def _incremental(backend: ann_backends.Backend, size: int) -> dict[str, Any]:
    """Add ADDED new random unit vectors in batches of 100 (a daily ingest) on one thread; each must then be
    its own nearest row."""
    vectors = np.random.default_rng(7).standard_normal((ADDED, ann_data.DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    started = time.perf_counter()
    for offset in range(0, ADDED, 100):
        backend.add(size + offset, vectors[offset : offset + 100])
    per_add = (time.perf_counter() - started) * 1000 / ADDED
    knob = _knobs(backend, 10)[0]
    found = [int(backend.search(v, 10, knob)[0]) == size + i for i, v in enumerate(vectors[:200])]
    return {"ms_per_add": round(per_add, 3), "self_found": round(float(np.mean(found)), 3)}


def measure(spec: str, case: Path, corpus_path: Path, size: int) -> dict[str, Any]:
    backend = ann_backends.make(spec)
    load_before = os.getloadavg()
    started, cpu = time.perf_counter(), time.process_time()
    backend.build(corpus_path, size)
    result: dict[str, Any] = {
        "backend": backend.name,
        "spec": spec,
        "size": size,
        "params": backend.params,
        "build_s": round(time.perf_counter() - started, 1),
        "build_cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_build_mib": round(_rss_mib()),
        "memory_mib": round(backend.memory_bytes() / 2**20),
        "incremental": backend.incremental,
        "predicate": backend.predicate,
    }
    print(f"  {backend.name} N={size:,}: built in {result['build_s']} s", file=sys.stderr, flush=True)
    ann_backends.one_thread()
    with tempfile.TemporaryDirectory(prefix="ann-index-", dir=case) as scratch:
        path = backend.save(Path(scratch))
        result["disk_mib"] = round(path.stat().st_size / 2**20)
        if backend.mmap:
            result["mapped"] = _mapped(spec, path, case, size)
    result["sweep"] = _sweep(backend, case)
    result["filtered"] = _filtered(backend, case, size)
    if backend.incremental:
        result["add"] = _incremental(backend, size)
    result["peak_rss_mib"] = round(_rss_mib())
    result["load_average"] = [load_before, os.getloadavg()]
    return result


def _mapped(spec: str, path: Path, case: Path, size: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "mapped", spec, str(path), str(case), str(size)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode:
        return {"ok": False, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout)


def _memory_kib() -> dict[str, int]:
    """Resident memory of this process by kind (/proc/self/status): anonymous (private to the process) and
    file-backed (mapped pages of the page cache, which every process mapping the same file shares)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("RssAnon", "RssFile"):
            fields[name] = int(value.split()[0])
    return fields


def mapped(spec: str, path: Path, case: Path, size: int) -> dict[str, Any]:
    """Open the saved index memory-mapped in a fresh process, run the real queries: load time, and how much
    of its memory is anonymous (each web worker would pay it again) vs file-backed (shared)."""
    backend = ann_backends.make(spec)
    ann_backends.import_libraries()  # their code pages out of the measured difference
    ann_backends.one_thread()
    queries, exact = np.load(case / "queries-real.npy"), np.load(case / "exact-real.npy")
    before = _memory_kib()
    started = time.perf_counter()
    backend.load_mapped(path)
    load_ms = (time.perf_counter() - started) * 1000
    results, _ = _timed(backend, queries, 100, _knobs(backend, 100)[-1])
    after = _memory_kib()
    return {
        "ok": True,
        "load_ms": round(load_ms, 1),
        "anon_mib": round((after["RssAnon"] - before["RssAnon"]) / 1024),
        "file_mib": round((after["RssFile"] - before["RssFile"]) / 1024),
        "recall@10": round(float(np.mean([_recall(r, e, 10) for r, e in zip(results, exact, strict=False)])), 4),
    }


# ---------------------------------------------------------------------------------------------- the run
def _embedding_latency(cache: Path) -> dict[str, float]:
    """Query embedding on one thread, the product's embedder: the arxiv-dev queries, twice."""
    from paperwire.search.dense import MiniLMEmbedder

    model = MiniLMEmbedder(cache_dir=cache / "models")
    texts = [row["text"] for row in ann_data._jsonl(HERE / "arxiv_dev/queries.jsonl")]
    model.embed_query(texts[0])
    latencies = []
    for text in texts * 2:
        started = time.perf_counter()
        model.embed_query(text)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p95_ms": round(float(np.percentile(latencies, 95)), 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    real = ann_data.load_real(cache)
    corpus_path = ann_data.write_corpus(cache, real, max(args.sizes))
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_start": os.getloadavg()},
        "versions": _versions(),
        "real": {"docs": len(real.docs), "queries": len(real.queries)},
        "query_embedding": _embedding_latency(cache),
        "results": [],
    }
    for size in args.sizes:
        case = prepare_case(cache, real, corpus_path, size)
        for spec in args.backends:
            command = [sys.executable, __file__, "measure", spec, str(case), str(corpus_path), str(size)]
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, timeout=args.timeout_s)
            if done.returncode:
                report["results"].append({"spec": spec, "size": size, "error": f"exit {done.returncode}"})
            else:
                report["results"].append(json.loads(done.stdout))
            _write(args.out, report)
    report["machine"]["load_average_end"] = os.getloadavg()
    _write(args.out, report)
    return report


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("numpy", "faiss-cpu", "usearch", "hnswlib", "onnxruntime"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def _write(path: str, report: dict[str, Any]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(report, indent=1))


def print_table(report: dict[str, Any]) -> None:
    print(f"query embedding (one thread): {report['query_embedding']}")
    head = "N | backend | build s | RSS MiB | disk MiB | kind | k | knob | p50 ms | p95 ms | R@10 | R@100 | nDCG@10"
    print(head)
    for result in report["results"]:
        if "error" in result:
            print(f"{result['size']:,} | {result['spec']} | {result['error']}")
            continue
        for row in result["sweep"]:
            print(
                f"{result['size']:,} | {result['backend']} | {result['build_s']} | {result['peak_rss_mib']} | "
                f"{result['disk_mib']} | {row['kind']} | {row['k']} | {row['knob']} | {row['p50_ms']} | "
                f"{row['p95_ms']} | {row['recall@10']} | {row['recall@100']} | {row.get('scifact_ndcg@10', '')}"
                f" | {row['queries']} queries"
            )
        for row in result["filtered"]:
            print(
                f"{result['size']:,} | {result['backend']} | filtered 10 % | {row['approach']} | {row['kind']} | "
                f"knob {row['knob']} | {row['p50_ms']} | {row['p95_ms']} | {row['recall@10']} | {row['recall@100']}"
            )


def print_summary(report: dict[str, Any], target: float = 0.98) -> None:
    """Per N, backend and depth k: the fastest setting whose Recall@10 on real queries is >= target, with the
    perturbed queries' recall at that same setting (or the best recall reached, marked 'not reached')."""
    print(f"\nfastest setting with real-query Recall@10 >= {target} (perturbed recall at the same setting)")
    print("N | backend | k | knob | p50 / p95 ms real | R@10 / R@100 real | R@10 / R@100 perturbed | nDCG@10 | RSS MiB")
    for result in report["results"]:
        for k in DEPTHS:
            rows = {(r["kind"], r["knob"]): r for r in result.get("sweep", []) if r["k"] == k}
            real = [r for (kind, _), r in rows.items() if kind == "real"]
            if not real:
                continue
            good = [r for r in real if r["recall@10"] >= target]
            pick = min(good, key=lambda r: r["p95_ms"]) if good else max(real, key=lambda r: r["recall@10"])
            hard = rows.get(("perturbed", pick["knob"]), {})
            ndcg = rows.get(("real", pick["knob"]), {}).get("scifact_ndcg@10", "")
            print(
                f"{result['size']:,} | {result['backend']} | {k} | {pick['knob']}{'' if good else ' (not reached)'} | "
                f"{pick['p50_ms']} / {pick['p95_ms']} | {pick['recall@10']} / {pick['recall@100']} | "
                f"{hard.get('recall@10')} / {hard.get('recall@100')} | {ndcg} | {result['peak_rss_mib']}"
            )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        spec, case, corpus, size = sys.argv[2:6]
        print(json.dumps(measure(spec, Path(case), Path(corpus), int(size))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "mapped":
        spec, path, case, size = sys.argv[2:6]
        print(json.dumps(mapped(spec, Path(path), Path(case), int(size))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300_000, 3_000_000])
    parser.add_argument("--backends", nargs="+", default=list(DEFAULT_BACKENDS), metavar="SPEC")
    parser.add_argument("--cache", default=str(HERE / "results/ann-cache"))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    parser.add_argument("--out", default=str(HERE / f"results/ann-{stamp}.json"))
    parser.add_argument("--timeout-s", type=int, default=3600, help="per backend and size")
    parser.add_argument("--table", help="print the table of an earlier result file and exit")
    args = parser.parse_args()
    report = json.loads(Path(args.table).read_text()) if args.table else run(args)
    print_table(report)
    print_summary(report)


if __name__ == "__main__":
    main()
