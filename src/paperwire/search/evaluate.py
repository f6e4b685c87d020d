"""BEIR-format evaluation: load a dataset dir, compute nDCG@10, Recall@100, MRR@10 and latency."""

from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from paperwire.errors import InvalidInput, NotFound

Qrels = dict[str, dict[str, int]]


@dataclass(frozen=True)
class BeirDoc:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class BeirDataset:
    corpus: list[BeirDoc]
    queries: dict[str, str]  # only queries that have judgements in the chosen split
    qrels: Qrels


def _open_text(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle


def _find(directory: Path, *names: str) -> Path:
    for name in names:
        if (directory / name).exists():
            return directory / name
    raise NotFound(f"{directory}: none of {', '.join(names)} found (is this a BEIR dataset directory?)")


def read_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    for number, line in enumerate(_open_text(path)):
        parts = line.strip().split("\t")
        if (number == 0 and parts[0] == "query-id") or len(parts) < 3:
            continue
        try:
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
        except ValueError:
            raise InvalidInput(f"{path}:{number + 1}: bad relevance {parts[2]!r}") from None
    return qrels


def load_beir(directory: str | Path, split: str = "test") -> BeirDataset:
    root = Path(directory)
    if not root.is_dir():
        raise NotFound(f"{root}: not a directory")
    qrels = read_qrels(_find(root / "qrels", f"{split}.tsv"))
    corpus = [
        BeirDoc(str(row["_id"]), row.get("title") or "", row.get("text") or "")
        for row in map(json.loads, _open_text(_find(root, "corpus.jsonl", "corpus.jsonl.gz")))
    ]
    queries: dict[str, str] = {}
    for row in map(json.loads, _open_text(_find(root, "queries.jsonl", "queries.jsonl.gz"))):
        if str(row["_id"]) in qrels:
            queries[str(row["_id"])] = row["text"]
    return BeirDataset(corpus=corpus, queries=queries, qrels=qrels)


def ndcg_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    gains = [relevant.get(doc, 0) for doc in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains) if g > 0)
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal) if g > 0)
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 100) -> float:
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    return len(wanted.intersection(ranked[:k])) / len(wanted) if wanted else 0.0


def mrr_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if relevant.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[position]


def evaluate_run(search: Callable[[str], Sequence[str]], queries: Mapping[str, str], qrels: Qrels) -> dict[str, float]:
    """Run `search` (query text -> ranked doc ids) over every query; mean metrics and latency."""
    ndcg, recall, mrr, latencies = [], [], [], []
    for query_id, text in queries.items():
        started = time.perf_counter()
        ranked = list(search(text))
        latencies.append((time.perf_counter() - started) * 1000)
        relevant = qrels.get(query_id, {})
        ndcg.append(ndcg_at(ranked, relevant))
        recall.append(recall_at(ranked, relevant))
        mrr.append(mrr_at(ranked, relevant))
    count = max(1, len(ndcg))
    return {
        "ndcg@10": round(sum(ndcg) / count, 4),
        "recall@100": round(sum(recall) / count, 4),
        "mrr@10": round(sum(mrr) / count, 4),
        "latency_ms_p50": round(_percentile(latencies, 50), 2),
        "latency_ms_p95": round(_percentile(latencies, 95), 2),
        "queries": len(ndcg),
    }
