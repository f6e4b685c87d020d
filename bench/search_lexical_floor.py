"""Calibrate the lexical floor (idf coverage) on training data, by query length, and count what it lets
through for out-of-domain queries on the 74,728-paper arXiv cs corpus.

Usage: python bench/search_lexical_floor.py [--full-corpus] [--keep 0.95]

No vectors are needed: the floor is lexical. For every training query (SciFact train, 809 claims; the 52
judged arxiv-dev queries over their 20,000-paper corpus), the idf coverage of each judged-relevant paper
that matches a query term, grouped by the query's number of distinct terms. The rule in use
(paperwire.search.fields.lexical_floor) is printed beside the per-length quantiles, with the share of
relevant pairs it keeps per set, and the number of "matches" it leaves for the out-of-domain queries
(arxiv-dev's `none` queries plus a few more) on the 20k corpus and, with --full-corpus, on all 74,728 papers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "arxiv_dev"))
import build  # noqa: E402

from paperwire.search.bm25 import LexicalIndex, bm25_weights, build_tf, field_counts  # noqa: E402
from paperwire.search.evaluate import BeirDoc, load_beir, read_qrels  # noqa: E402
from paperwire.search.fields import FIELDS, lexical_floor  # noqa: E402
from paperwire.search.text import tokenize  # noqa: E402

SCIFACT = HERE.parents[1] / "shared/data/beir-scifact"
EXTRA_OUT_OF_DOMAIN = (
    "best pizza recipe in naples",
    "how to train a puppy to sit",
    "cheap flights to lisbon in may",
    "symptoms of vitamin d deficiency",
    "premier league transfer rumours",
    "knitting patterns for winter scarves",
    "how to fix a leaking kitchen tap",
    "wedding speech ideas for the best man",
)
IN_DOMAIN_SPOT = ("quantization of large language models", "diffusion", "RAG", "LoRA fine-tuning")


def lexical(docs: list[BeirDoc]) -> LexicalIndex:
    """The product's BM25F index over title and abstract (authors are not in these corpora)."""
    vocab: dict[str, int] = {}
    tf = build_tf((field_counts([d.title, d.text, ""]) for d in docs), vocab)
    return LexicalIndex(bm25_weights(tf), vocab)


def relevant_coverage(index: LexicalIndex, ids: list[str], queries: dict[str, str], qrels: dict) -> list[tuple]:
    """(distinct query terms, coverage) of every relevant pair that matches a query term."""
    position = {doc: row for row, doc in enumerate(ids)}
    pairs = []
    for q, text in queries.items():
        terms = tokenize(text)
        score, coverage = index.score_terms(terms), index.coverage(terms)
        n = len(set(terms))
        for doc, grade in qrels.get(q, {}).items():
            row = position.get(doc)
            if grade > 0 and row is not None and score[row] > 0:
                pairs.append((n, float(coverage[row])))
    return pairs


def matches(index: LexicalIndex, text: str) -> int:
    terms = tokenize(text)
    passing = (index.score_terms(terms) > 0) & (index.coverage(terms) >= lexical_floor(len(set(terms))) - 1e-6)
    return int(passing.sum())


def report(name: str, pairs: list[tuple], keep: float) -> None:
    by_length: dict[str, list[float]] = {}
    for n, cov in pairs:
        by_length.setdefault(str(n) if n < 8 else "8+", []).append(cov)
    kept = np.mean([cov >= lexical_floor(n) - 1e-6 for n, cov in pairs])
    print(f"\n{name}: {len(pairs)} relevant pairs matching a term; the rule keeps {kept:.1%}")
    for bucket in sorted(by_length, key=lambda b: int(b.rstrip("+"))):
        values = np.asarray(by_length[bucket])
        n = int(bucket.rstrip("+"))
        print(
            f"  {bucket:>2} terms: n={values.size:5d}  value keeping {keep:.0%} {np.quantile(values, 1 - keep):.3f}  "
            f"p10 {np.quantile(values, 0.10):.3f}  median {np.median(values):.3f}  rule {lexical_floor(n):.3f} "
            f"keeps {np.mean(values >= lexical_floor(n) - 1e-6):.1%}"
        )


def cs_corpus() -> list[BeirDoc]:
    with gzip.open(build.SOURCE, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [BeirDoc(r["id"], build.clean(r["title"]), build.clean(r["summary"])) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=float, default=0.95)
    parser.add_argument("--full-corpus", action="store_true")
    args = parser.parse_args()
    assert [f.name for f in FIELDS] == ["title", "abstract", "authors"]
    train = load_beir(SCIFACT, "train")
    sci = lexical(train.corpus)
    report("SciFact train", relevant_coverage(sci, [d.id for d in train.corpus], train.queries, train.qrels), args.keep)
    docs = [BeirDoc(d["_id"], d["title"], d["text"]) for d in build.corpus_docs()]
    dev = lexical(docs)
    queries = {r["_id"]: r for r in map(json.loads, (HERE / "arxiv_dev/queries.jsonl").open())}
    qrels = read_qrels(HERE / "arxiv_dev/qrels/test.tsv")
    texts = {q: r["text"] for q, r in queries.items()}
    report("arxiv-dev", relevant_coverage(dev, [d.id for d in docs], texts, qrels), args.keep)
    out = [r["text"] for r in queries.values() if r["kind"] == "none"] + list(EXTRA_OUT_OF_DOMAIN)
    full = lexical(cs_corpus()) if args.full_corpus else None
    print("\nout-of-domain and in-domain spot queries: lexical matches with the rule (20k / 74,728 papers)")
    for text in out + list(IN_DOMAIN_SPOT):
        n = len(set(tokenize(text)))
        on_full = matches(full, text) if full is not None else "-"
        print(f"  {text!r} ({n} terms, floor {lexical_floor(n):.2f}): {matches(dev, text)} / {on_full}")


if __name__ == "__main__":
    main()
