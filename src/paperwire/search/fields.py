"""What the lexical index reads and how much each field counts: one declaration, read by the
indexer (bm25.py) and by docs/search.md (tests/unit/search/test_docs.py keeps them in step)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchField:
    name: str  # the field as users and docs call it
    column: str  # the papers column it is read from
    weight: float  # multiplies the field's term frequencies and length (BM25F-style)


FIELDS: tuple[SearchField, ...] = (
    SearchField("title", "title", 3.0),
    SearchField("abstract", "abstract", 1.0),
    SearchField("authors", "authors_text", 1.0),
)


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.2  # term-frequency saturation
    b: float = 0.75  # length normalisation


BM25 = BM25Params()

# Hybrid fusion: final = ALPHA * semantic + (1 - ALPHA) * lexical, each min-max normalised over its top
# FUSION_DEPTH candidates. Tuned on SciFact train queries (bench/search_tune.py); reported on test.
FUSION_ALPHA = 0.45
FUSION_DEPTH = 1000

# Relevance floor (search/ranking.py; calibration in docs/search.md, bench/search_lexical_floor.py and
# bench/search_floor.py): a lexical match holds at least lexical_floor(n) of the idf weight of a query of n
# distinct terms; the semantic floor is the embedder's min_cosine, and in hybrid mode a paper that fails
# the lexical floor needs HYBRID_COSINE_MARGIN more cosine than that.
COVERAGE_SCALE = 1.1  # the largest of 1.0-1.2 (step 0.05) keeping >= 95 % of relevant pairs in both training sets
COVERAGE_CAP = 0.75  # two-term queries: the paper holds the rarer term, or most of the weight
HYBRID_COSINE_MARGIN = 0.15  # hybrid cosine 0.46: keeps 95 % of relevant SciFact-train pairs beside the lexical floor
LOOSE_LIMIT = 3  # "loosely related" papers shown apart when nothing passes the floor


def lexical_floor(distinct_terms: int) -> float:
    """The idf coverage a lexical match needs for a query of this many distinct terms: min(0.75, 1.2 / (n - 1)).
    One term: any occurrence (coverage is then 1); longer queries need a smaller share of their weight."""
    if distinct_terms <= 1:
        return 0.0
    return min(COVERAGE_CAP, COVERAGE_SCALE / (distinct_terms - 1))


def field_table() -> str:
    """The Markdown table of fields and weights that docs/search.md carries."""
    rows = ["| field | column | weight |", "|---|---|---|"]
    rows += [f"| {f.name} | `papers.{f.column}` | {f.weight:g} |" for f in FIELDS]
    return "\n".join(rows)
