"""Pool the top DEPTH results of the five systems for every arxiv-dev query (TREC-style pooling).

Usage: python bench/arxiv_dev/pool.py [--depth 15]
Writes bench/arxiv_dev/pool.jsonl: one {query_id, corpus_ids, systems_per_doc} per query, corpus_ids in order
of first appearance (best rank over systems, then system order). Every pooled pair is judged in judgments.tsv.
Needs the shared arXiv file (read through build.py) and the packaged MiniLM weights; the first run embeds the
20k abstracts twice (int8 ONNX for paperwire, fp32 sentence-transformers), several minutes each on 2 cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import build
import systems

HERE = Path(__file__).resolve().parent


def pool(runs: systems.Runs, depth: int) -> list[dict]:
    rows = []
    for query_id in next(iter(runs.values())):
        found: dict[str, list[str]] = {}
        for rank in range(depth):
            for name, run in runs.items():
                ranked = run[query_id]
                if rank < len(ranked):
                    found.setdefault(ranked[rank], []).append(name)
        rows.append({"query_id": query_id, "corpus_ids": list(found), "systems_per_doc": found})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--depth", type=int, default=15)
    parser.add_argument("--out", type=Path, default=HERE / "pool.jsonl")
    args = parser.parse_args()
    docs = [systems.BeirDoc(d["_id"], d["title"], d["text"]) for d in build.corpus_docs()]
    queries = {q["_id"]: q["text"] for q in systems.load_queries(HERE / "queries.jsonl")}
    rows = pool(systems.all_runs(docs, queries, args.depth), args.depth)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    pairs = sum(len(r["corpus_ids"]) for r in rows)
    print(f"{len(rows)} queries, {pairs} pooled pairs ({pairs / len(rows):.1f} per query) -> {args.out}")


if __name__ == "__main__":
    main()
