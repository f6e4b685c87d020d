"""Print pooled papers for judging: python bench/arxiv_dev/show.py QUERY_ID [QUERY_ID ...] [--chars 400] [--todo]

Each line: corpus id, the systems that retrieved it, title, and the first CHARS characters of the abstract.
--todo skips pairs already in judgments.tsv.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import build

HERE = Path(__file__).resolve().parent
SHORT = {"bm25s": "B", "lexical": "L", "semantic": "S", "hybrid": "H", "st-fp32": "F"}


def judged() -> set[tuple[str, str]]:
    path = HERE / "judgments.tsv"
    if not path.exists():
        return set()
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:] if line.strip()]
    return {(r[0], r[1]) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--chars", type=int, default=400)
    parser.add_argument("--todo", action="store_true")
    args = parser.parse_args()
    docs = {d["_id"]: d for d in build.corpus_docs()}
    queries = {q["_id"]: q for q in map(json.loads, (HERE / "queries.jsonl").read_text().splitlines())}
    pools = {p["query_id"]: p for p in map(json.loads, (HERE / "pool.jsonl").read_text().splitlines())}
    done = judged() if args.todo else set()
    for query_id in args.queries:
        query, row = queries[query_id], pools[query_id]
        print(f"=== {query_id} [{query['kind']}] {query['text']!r}: {len(row['corpus_ids'])} pooled")
        for corpus_id in row["corpus_ids"]:
            if (query_id, corpus_id) in done:
                continue
            doc, tags = docs[corpus_id], "".join(SHORT[s] for s in row["systems_per_doc"][corpus_id])
            print(f"{corpus_id} [{tags}] {doc['title']} | {doc['text'][: args.chars]}")
        print()


if __name__ == "__main__":
    main()
