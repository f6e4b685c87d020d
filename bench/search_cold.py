"""Cold `paperwire search "..."` wall time on the 74,728-paper arXiv cs index: a fresh process per call.

Usage: python bench/search_cold.py [--scratch /tmp/paperwire-cold] [--runs 5] [--src DIR]

The first run loads the daily file into a scratch SQLite database and builds the index with **random unit
document vectors** stored under the real embedder's name (bench/search_latency.py's RandomDocumentsMiniLM),
so the CLI's real MiniLM embeds the query and scores it against 74,728 vectors, without embedding 74k
abstracts on 2 cores; the ONNX model is exported into the index's models/ folder as in production. Later
runs reuse the scratch folder. --src runs another checkout's code (e.g. /work/main/src for "before").
Each query is timed --runs times, interleaved, from process start to exit; the median is reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = ("quantization of large language models", "diffusion", "asdkjhqwe zzxq")


def build(scratch: Path) -> None:
    sys.path.insert(0, str(HERE))
    from search_latency import DEFAULT, RandomDocumentsMiniLM, read_papers
    from sqlalchemy import insert

    from paperwire.search.service import SearchService
    from paperwire.storage.db import make_engine
    from paperwire.storage.tables import METADATA, papers

    rows = read_papers(DEFAULT, 0)
    engine = make_engine(f"sqlite:///{scratch}/cold.db")
    METADATA.create_all(engine)
    with engine.begin() as conn:
        for start in range(0, len(rows), 2000):
            conn.execute(insert(papers), rows[start : start + 2000])
    embedder = RandomDocumentsMiniLM(cache_dir=scratch / "index" / "models")
    report = SearchService(engine, index_dir=scratch / "index", embedder=embedder).rebuild_index()
    engine.dispose()
    (scratch / "built").write_text(str(report))
    print(f"built: {report}", flush=True)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command} failed: {result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/paperwire-cold"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    if not (args.scratch / "built").exists():
        build(args.scratch)
    env = os.environ | {
        "PYTHONPATH": str(args.src),
        "PAPERWIRE_DATABASE_URL": f"sqlite:///{args.scratch}/cold.db",
        "PAPERWIRE_INDEX_DIR": str(args.scratch / "index"),
        "PAPERWIRE_EMBEDDER": "minilm",
    }
    base = [sys.executable, "-m", "paperwire", "search"]
    timed([*base, "warm the page cache", "--limit", "1"], env)  # OS file cache, as on a used server
    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(args.runs):
        for query in QUERIES:
            times[query].append(timed([*base, query, "--limit", "20"], env))
    print(f"code: {args.src}; load average {os.getloadavg()}")
    for query, values in times.items():
        print(f"{query!r}: median {statistics.median(values):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    everything = [v for values in times.values() for v in values]
    print(f"all {len(everything)} calls: median {statistics.median(everything):.2f} s")


if __name__ == "__main__":
    main()
