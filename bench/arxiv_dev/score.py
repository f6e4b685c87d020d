"""nDCG@10, Recall@100 and MRR@10 of the five systems on the arxiv-dev qrels, overall and per query kind.

Usage: python bench/arxiv_dev/score.py [--json] [--per-query semantic st-fp32] [--cli build/arxiv-dev]
Queries of kind `none` have no qrels and are left out of the means (as `paperwire eval beir` does).
--per-query A B (repeatable) prints the mean nDCG@10 difference of systems A and B with a paired bootstrap
interval, and the queries where they differ most.
--cli DIR also runs `paperwire eval beir DIR --json` (build DIR first with build.py) and prints its figures,
a cross-check that the in-process paperwire runs here match the CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import build
import systems

from paperwire.search.evaluate import mrr_at, ndcg_at, read_qrels, recall_at

HERE = Path(__file__).resolve().parent
METRICS = {"ndcg@10": ndcg_at, "recall@100": recall_at, "mrr@10": mrr_at}


def mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def bootstrap_delta(deltas: list[float], rounds: int = 10_000, seed: int = 0) -> tuple[float, float]:
    """95% interval of the mean of per-query differences, resampling queries (seeded)."""
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(deltas, k=len(deltas))) / len(deltas) for _ in range(rounds))
    return means[int(0.025 * rounds)], means[int(0.975 * rounds)]


def per_query(run: systems.Run, qrels: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    return {q: {name: fn(run.get(q, []), rel) for name, fn in METRICS.items()} for q, rel in qrels.items()}


def summary(scores: dict[str, dict[str, float]], ids: list[str]) -> dict[str, float]:
    return {name: mean([scores[q][name] for q in ids]) for name in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--per-query", nargs=2, metavar=("A", "B"), action="append", default=[])
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
    for a, b in args.per_query:
        diffs = sorted(judged, key=lambda q: scores[a][q]["ndcg@10"] - scores[b][q]["ndcg@10"])
        deltas = [scores[a][q]["ndcg@10"] - scores[b][q]["ndcg@10"] for q in judged]
        low, high = bootstrap_delta(deltas)
        print(f"\nnDCG@10 {a} - {b}: mean {mean(deltas):+.4f}, 95% paired bootstrap interval [{low:+.4f}, {high:+.4f}]")
        print("most negative and most positive queries:")
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
