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

# Relevance floor (search/ranking.py; calibration in docs/search.md and bench/search_floor.py): a lexical
# match holds at least this share of the query's idf weight; the semantic floor is the embedder's min_cosine.
LEXICAL_COVERAGE = 0.15  # keeps 95 % of relevant SciFact-train pairs that match a term
LOOSE_LIMIT = 3  # "loosely related" papers shown apart when nothing passes the floor


def field_table() -> str:
    """The Markdown table of fields and weights that docs/search.md carries."""
    rows = ["| field | column | weight |", "|---|---|---|"]
    rows += [f"| {f.name} | `papers.{f.column}` | {f.weight:g} |" for f in FIELDS]
    return "\n".join(rows)
