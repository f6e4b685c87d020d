"""Generated arXiv-like papers for the 3,000,000-paper scale benchmarks (issue 14).

arXiv holds about 2.9 million papers; ../shared/data holds 288,059 real ones (arxiv-daily cs + astro-ph, and
the 2016-2017 oai_dc set). The rest of a 3M corpus is generated from the real arxiv-daily papers: every
generated paper takes its categories from one real paper, its abstract from real sentences of real papers
of the same primary category (shuffled, so no two abstracts are alike), a title of real title words of
that category, and 1-8 real author names. Ids are new: YYMM.NNNNN in 2018-2024, months no real paper of
../shared/data has (the oai_dc set holds papers updated in 2016-2017, so ids up to 1712; arxiv-daily has
2025-2026), so they never collide with the real ones; the listing date lies in the id's month.
Output is the daily-listing JSON-lines format `paperwire ingest file` reads.

    .venv/bin/python bench/scale_corpus.py OUT_DIR --papers 1000000 --files 1 --seed 1

Generation is deterministic for a seed; each file of a run holds consecutive ids, and a second run with
another seed gives other ids (the seed picks the id block), so batches from several runs can go into one
database.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DAILY = ROOT.parent / "shared/data/arxiv-daily"
MONTHS = [(year, month) for year in range(2018, 2025) for month in range(1, 13)]
PER_MONTH = 99_999  # arXiv's five-digit numbers
SEED_BLOCK = 12_000  # numbers per month of one seed: 1,008,000 papers a seed, seeds 1..8
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


class Source:
    """The real material: per primary category, its papers' sentences, title words and categories."""

    def __init__(self, files: list[Path]) -> None:
        self.sentences: dict[str, list[str]] = defaultdict(list)
        self.title_words: dict[str, list[str]] = defaultdict(list)
        self.category_sets: list[list[str]] = []
        self.authors: list[str] = []
        for path in files:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    paper = json.loads(line)
                    categories = list(paper.get("categories") or [])
                    if not categories:
                        continue
                    primary = categories[0]
                    summary = " ".join((paper.get("summary") or "").split())
                    self.sentences[primary].extend(s for s in _SENTENCE.split(summary) if len(s) > 30)
                    self.title_words[primary].extend((paper.get("title") or "").split())
                    self.category_sets.append(categories)
                    self.authors.extend(paper.get("authors") or [])
        self.category_sets = [c for c in self.category_sets if len(self.sentences[c[0]]) >= 20]
        if not self.category_sets:
            raise SystemExit(f"no usable papers in {', '.join(map(str, files))}")

    def paper(self, rng: random.Random, arxiv_id: str, day: date) -> dict[str, Any]:
        categories = rng.choice(self.category_sets)
        primary = categories[0]
        sentences = rng.sample(self.sentences[primary], k=min(rng.randint(4, 9), len(self.sentences[primary])))
        words = rng.sample(self.title_words[primary], k=min(rng.randint(6, 14), len(self.title_words[primary])))
        authors = list(dict.fromkeys(rng.choice(self.authors) for _ in range(rng.randint(1, 8))))
        return {
            "id": arxiv_id,
            "abs": f"https://arxiv.org/abs/{arxiv_id}",
            "pdf": f"https://arxiv.org/pdf/{arxiv_id}",
            "title": " ".join(words).strip(" :,.") or "Untitled",
            "summary": " ".join(sentences),
            "authors": authors,
            "categories": categories,
            "comment": None,
            "listing_date": day.isoformat(),
        }


def ids(count: int, seed: int) -> list[tuple[str, date]]:
    """`count` new (id, listing date) pairs, spread evenly over MONTHS; `seed` picks a disjoint number block:
    seed s owns the numbers (s - 1) * SEED_BLOCK + 1 .. s * SEED_BLOCK of every month, whatever `count` is
    (a block sized by `count` made a smaller second seed reuse the first seed's numbers)."""
    per_month = -(-count // len(MONTHS))
    first = 1 + (seed - 1) * SEED_BLOCK
    if per_month > SEED_BLOCK:
        raise SystemExit(f"--papers {count} exceeds one seed's {SEED_BLOCK * len(MONTHS):,} ids: use several seeds")
    if seed < 1 or seed * SEED_BLOCK > PER_MONTH:
        raise SystemExit(f"--seed {seed}: use 1..{PER_MONTH // SEED_BLOCK} (arXiv's five-digit numbers)")
    found = []
    for number in range(first, first + per_month):
        for year, month in MONTHS:
            if len(found) == count:
                return found
            found.append((f"{year % 100:02d}{month:02d}.{number:05d}", date(year, month, 1 + number % 28)))
    return found


def write(out: Path, papers: int, files: int, seed: int, source: Source) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    chosen = ids(papers, seed)
    per_file = -(-papers // files)
    paths = []
    started = time.monotonic()
    for number in range(files):
        part = chosen[number * per_file : (number + 1) * per_file]
        path = out / f"generated-s{seed}-{number:02d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
            for arxiv_id, day in part:
                handle.write(json.dumps(source.paper(rng, arxiv_id, day)) + "\n")
        paths.append(path)
        print(f"{path.name}: {len(part):,} papers ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1, help="1, 2, ...: each seed gives other ids")
    args = parser.parse_args()
    source = Source(sorted(DAILY.glob("arxiv-daily-*.jsonl.gz")))
    for path in write(args.out, args.papers, args.files, args.seed, source):
        print(path)


if __name__ == "__main__":
    main()
