"""Write the arxiv-dev BEIR directory (corpus.jsonl, queries.jsonl, qrels/test.tsv) from the shared arXiv file.

Usage:
    python bench/arxiv_dev/build.py [--out build/arxiv-dev] [--source ../shared/data/arxiv-daily/...jsonl.gz]
    python bench/arxiv_dev/build.py --sample   # re-draw corpus_ids.txt (seeded; only when changing the design)

Only the paper ids are committed (corpus_ids.txt); titles and abstracts are read from the shared file each time.
The committed queries.jsonl and qrels/test.tsv are copied next to the generated corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE = ROOT.parent / "shared/data/arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
IDS = HERE / "corpus_ids.txt"
SEED = 20260301
SIZE = 20_000


def clean(text: str | None) -> str:
    """arXiv abstracts are hard-wrapped at ~80 columns; join the lines back into one paragraph."""
    return " ".join((text or "").split())


def read_source(path: Path = SOURCE) -> Iterator[dict]:
    seen: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["id"] not in seen:  # dedupe by id, first record wins
                seen.add(record["id"])
                yield record


def sample_ids(path: Path = SOURCE, seed: int = SEED, size: int = SIZE) -> list[str]:
    ids = sorted({r["id"] for r in read_source(path)})
    return sorted(random.Random(seed).sample(ids, size))


def corpus_ids() -> list[str]:
    return [line.strip() for line in IDS.read_text().splitlines() if line.strip()]


def corpus_docs(path: Path = SOURCE) -> list[dict[str, str]]:
    """{_id, title, text} for the committed ids, in corpus_ids.txt order."""
    wanted = corpus_ids()
    found = {r["id"]: r for r in read_source(path) if r["id"] in set(wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise SystemExit(f"{len(missing)} ids of corpus_ids.txt are not in {path} (first: {missing[0]})")
    return [{"_id": i, "title": clean(found[i]["title"]), "text": clean(found[i]["summary"])} for i in wanted]


def write(out: Path, source: Path = SOURCE) -> int:
    docs = corpus_docs(source)
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    shutil.copyfile(HERE / "queries.jsonl", out / "queries.jsonl")
    shutil.copyfile(HERE / "qrels" / "test.tsv", out / "qrels" / "test.tsv")
    return len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "arxiv-dev")
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--sample", action="store_true", help=f"re-draw {IDS.name} (seed {SEED}, {SIZE} ids)")
    args = parser.parse_args()
    if args.sample:
        ids = sample_ids(args.source)
        IDS.write_text("\n".join(ids) + "\n")
        print(f"wrote {len(ids)} ids to {IDS}")
        return
    count = write(args.out, args.source)
    print(f"wrote {count} papers, queries and qrels to {args.out}")


if __name__ == "__main__":
    main()
