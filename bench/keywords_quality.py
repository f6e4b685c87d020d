"""Keyword quality against the title, on papers the extractor never saw while it was written.

Usage: python bench/keywords_quality.py [../shared/data/arxiv-daily/arxiv-daily-cs_....jsonl.gz]
       [--sample 300] [--skip 60000] [--embedder minilm|hashing] [--count 5] [--cache DIR]

The title is withheld: keywords come from the abstract alone, then are judged against the title's
content words (stemmed; stop words dropped). Per paper: precision@k = share of the k keywords that
contain a title word; recall = share of title words covered by some keyword. Two baselines with the
same candidates: the k most frequent candidate phrases (no embedding), and k random candidates.
Held-out sample: the `--sample` papers after the first `--skip` records of the file (the extractor's
word lists were written looking only at the first few records).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from paperwire.search.dense import HashingEmbedder, MiniLMEmbedder
from paperwire.search.keyphrases import candidates, digest
from paperwire.search.text import tokenize

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"


def _sample(path: Path, skip: int, size: int) -> list[dict[str, str]]:
    found = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number < skip:
                continue
            record = json.loads(line)
            if record.get("title") and record.get("summary"):
                found.append(record)
            if len(found) >= size:
                break
    return found


def _scores(keywords: list[str], title: str) -> tuple[float, float]:
    wanted = set(tokenize(title))
    if not keywords or not wanted:
        return 0.0, 0.0
    stems = [set(tokenize(k)) for k in keywords]
    precision = sum(1 for s in stems if s & wanted) / len(keywords)
    recall = len(wanted & set().union(*stems)) / len(wanted)
    return precision, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--skip", type=int, default=60000)
    parser.add_argument("--embedder", choices=("minilm", "hashing"), default="minilm")
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None, help="model cache folder (converted once)")
    args = parser.parse_args()
    papers = _sample(args.path, args.skip, args.sample)
    embedder = MiniLMEmbedder(cache_dir=args.cache) if args.embedder == "minilm" else HashingEmbedder()
    rng = random.Random(0)
    results: dict[str, list[tuple[float, float]]] = {"mmr (paperwire)": [], "most frequent": [], "random": []}
    started = time.perf_counter()
    for paper in papers:
        abstract, title = paper["summary"], paper["title"]
        pool = candidates("", abstract)
        results["mmr (paperwire)"].append(_scores(list(digest("", abstract, embedder, args.count).keywords), title))
        results["most frequent"].append(_scores(pool[: args.count], title))
        results["random"].append(_scores(rng.sample(pool, min(args.count, len(pool))), title))
    seconds = time.perf_counter() - started
    print(f"{len(papers)} papers (records {args.skip}..), embedder {embedder.name}, k={args.count}, {seconds:.0f} s")
    print("| method | precision@k | title-word recall |")
    print("| --- | --- | --- |")
    for name, pairs in results.items():
        p = statistics.mean(x for x, _ in pairs)
        r = statistics.mean(y for _, y in pairs)
        print(f"| {name} | {p:.3f} | {r:.3f} |")


if __name__ == "__main__":
    main()
