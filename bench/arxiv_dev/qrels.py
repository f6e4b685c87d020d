"""Check judgments.tsv against pool.jsonl and write qrels/test.tsv (the pairs graded 1 or 2).

Usage: python bench/arxiv_dev/qrels.py
Fails if a pooled pair is unjudged, a judged pair is not in the pool, a grade is not 0/1/2, a query that is not
of kind `none` has no relevant paper, or a `none` query has one. Prints the counts the README quotes.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    queries = [json.loads(line) for line in (HERE / "queries.jsonl").read_text().splitlines() if line.strip()]
    pools = {p["query_id"]: p["corpus_ids"] for p in map(json.loads, (HERE / "pool.jsonl").read_text().splitlines())}
    grades: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for line in (HERE / "judgments.tsv").read_text().splitlines()[1:]:
        query_id, corpus_id, grade = line.split("\t")
        if grade not in ("0", "1", "2"):
            raise SystemExit(f"bad grade {grade!r} for {query_id} {corpus_id}")
        grades[query_id][corpus_id] = int(grade)
    problems = []
    for query in queries:
        qid, judged = query["_id"], grades.get(query["_id"], {})
        if set(judged) != set(pools[qid]):
            problems.append(f"{qid}: judged set differs from the pool")
        relevant = sum(1 for g in judged.values() if g > 0)
        if query["kind"] == "none" and relevant:
            problems.append(f"{qid}: kind none but {relevant} relevant")
        if query["kind"] != "none" and not relevant:
            problems.append(f"{qid}: no relevant paper")
    if problems:
        raise SystemExit("\n".join(problems))
    lines = ["query-id\tcorpus-id\tscore"]
    for query in queries:
        pool = pools[query["_id"]]
        lines += [f"{query['_id']}\t{c}\t{grades[query['_id']][c]}" for c in pool if grades[query["_id"]][c] > 0]
    (HERE / "qrels").mkdir(exist_ok=True)
    (HERE / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n")
    counts = collections.Counter(g for q in grades.values() for g in q.values())
    kinds = collections.Counter(q["kind"] for q in queries)
    judged = sum(counts.values())
    print(f"{len(queries)} queries {dict(kinds)}; {judged} judged pairs; grades {dict(sorted(counts.items()))}")
    print(f"wrote {len(lines) - 1} qrels rows to {HERE / 'qrels' / 'test.tsv'}")


if __name__ == "__main__":
    main()
