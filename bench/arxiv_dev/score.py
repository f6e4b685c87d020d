"""nDCG@10, Recall@100 and MRR@10 of the five systems on the arxiv-dev qrels, overall and per query kind.

Usage: python bench/arxiv_dev/score.py [--json] [--per-query semantic st-fp32] [--cli build/arxiv-dev]
Queries of kind `none` have no qrels and are left out of the means (as `paperwire eval beir` does).
--per-query A B prints the queries where systems A and B differ most in nDCG@10.
--cli DIR also runs `paperwire eval beir DIR --json` (build DIR first with build.py) and prints its figures,
a cross-check that the in-process paperwire runs here match the CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import systems

import build
from paperwire.search.evaluate import mrr_at, ndcg_at, read_qrels, recall_at

HERE = Path(__file__).resolve().parent
METRICS = {"ndcg@10": ndcg_at, "recall@100": recall_at, "mrr@10": mrr_at}


def mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def per_query(run: systems.Run, qrels: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    return {q: {name: fn(run.get(q, []), rel) for name, fn in METRICS.items()} for q, rel in qrels.items()}


def summary(scores: dict[str, dict[str, float]], ids: list[str]) -> dict[str, float]:
    return {name: mean([scores[q][name] for q in ids]) for name in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--per-query", nargs=2, metavar=("A", "B"))
    parser.add_argument("--cli", type=Path, help="also run `paperwire eval beir DIR --json`")
    args = parser.parse_args()
    qrels = read_qrels(HERE / "qrels" / "test.tsv")
    queries = {q["_id"]: q for q in systems.load_queries(HERE / "queries.jsonl")}
    judged = {q: v for q, v in qrels.items() if q in queries}
    docs = [systems.BeirDoc(d["_id"], d["title"], d["text"]) for d in build.corpus_docs()]
    runs = systems.all_runs(docs, {q: queries[q]["text"] for q in judged}, 100)
    scores = {name: per_query(run, judged) for name, run in runs.items()}
    kinds = sorted({queries[q]["kind"] for q in judged})
    table = {name: {"all": summary(s, list(judged))} for name, s in scores.items()}
    for name, s in scores.items():
        table[name] |= {kind: summary(s, [q for q in judged if queries[q]["kind"] == kind]) for kind in kinds}
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print(f"{len(judged)} judged queries, {sum(len(v) for v in judged.values())} relevant pairs\n")
        print("| system | nDCG@10 | Recall@100 | MRR@10 | " + " | ".join(f"nDCG@10 {k}" for k in kinds) + " |")
        print("|---" * (4 + len(kinds)) + "|")
        for name, row in table.items():
            cells = [f"{row['all'][m]:.4f}" for m in METRICS] + [f"{row[k]['ndcg@10']:.4f}" for k in kinds]
            print(f"| {name} | " + " | ".join(cells) + " |")
    if args.per_query:
        a, b = args.per_query
        diffs = sorted(judged, key=lambda q: scores[a][q]["ndcg@10"] - scores[b][q]["ndcg@10"])
        print(f"\nnDCG@10 {a} - {b}, most negative and most positive:")
        for q in diffs[:8] + diffs[-8:]:
            delta = scores[a][q]["ndcg@10"] - scores[b][q]["ndcg@10"]
            text = queries[q]["text"]
            print(f"  {q} {delta:+.3f}  {a} {scores[a][q]['ndcg@10']:.3f}  {b} {scores[b][q]['ndcg@10']:.3f}  {text!r}")
    if args.cli:
        command = [str(Path(sys.executable).parent / "paperwire"), "eval", "beir", str(args.cli), "--json"]
        env = os.environ | {"PAPERWIRE_INDEX_DIR": str(systems.CACHE / "cli-index")}
        result = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
        print(f"\n$ {' '.join(command)}\n{result.stdout}")


if __name__ == "__main__":
    main()
