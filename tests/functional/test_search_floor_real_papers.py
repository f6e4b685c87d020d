"""The relevance floor on real papers: the built-in sample (2,738 arXiv cs papers with their real MiniLM
vectors). Out-of-domain queries match nothing; in-domain ones keep the papers that hold their words."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperwire.ingest import sample
from paperwire.ingest.service import IngestService
from paperwire.search.dense import MiniLMEmbedder
from paperwire.search.service import SearchService
from paperwire.search.text import tokenize

OUT_OF_DOMAIN = (
    "best pizza recipe in naples",
    "sourdough fermentation temperature",
    "cheap flights to lisbon in may",
    "monarch butterfly migration routes",
    "harpsichord tuning temperaments",
    "asdkjhqwe zzxq",
)
IN_DOMAIN = ("quantization of large language models", "diffusion", "LoRA fine-tuning", "retrieval augmented generation")


@pytest.fixture
def lexical_search(engine: Engine, tmp_path: Path) -> SearchService:
    sample.load_sample(IngestService(engine))
    service = SearchService(engine, index_dir=tmp_path / "index", embedder=None)
    service.rebuild_index()
    return service


def test_out_of_domain_queries_match_no_paper_and_in_domain_ones_keep_theirs(lexical_search: SearchService) -> None:
    for query in OUT_OF_DOMAIN:
        page = lexical_search.search(query, mode="lexical")
        assert (page.total, page.hits) == (0, []), query
    index = lexical_search.index()
    for query in IN_DOMAIN:
        holding_all = {index.ids[r] for r in index.lexical.docs_with_all(tokenize(query)).nonzero()[0]}
        total = lexical_search.search(query, mode="lexical").total
        assert holding_all, f"the sample should hold papers on {query!r}"
        assert total >= len(holding_all)
        assert holding_all <= set(lexical_search.rank_ids(query, mode="lexical", limit=total)), query


def test_a_long_query_does_not_need_every_word(lexical_search: SearchService) -> None:
    """The floor shrinks with the query's length: a researcher's sentence matches papers holding its key
    words, not only those holding all of them; a two-word query needs its rarer word."""
    query = "how can retrieval augmented generation reduce hallucinations of large language models"
    index = lexical_search.index()
    holding_all = index.lexical.docs_with_all(tokenize(query)).sum()
    assert lexical_search.search(query, mode="lexical").total > holding_all
    assert lexical_search.search("pizza models", mode="lexical").total == 0  # "models" alone is too little


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_hybrid_out_of_domain_shows_at_most_loosely_related(engine: Engine, tmp_path: Path) -> None:
    sample.load_sample(IngestService(engine))
    embedder = MiniLMEmbedder(cache_dir=tmp_path / "models")
    assert embedder.name == sample.read_manifest().model  # the sample's vectors are used, nothing is re-embedded
    service = SearchService(engine, index_dir=tmp_path / "index", embedder=embedder)
    service.rebuild_index()
    for query in OUT_OF_DOMAIN:
        page = service.search(query, mode="hybrid")
        assert page.total == 0, (query, [h.title for h in page.hits])
        assert len(page.loosely_related) <= 3
    in_domain = service.search("quantization of large language models", mode="hybrid")
    assert in_domain.total > 0
    assert "quantiz" in in_domain.hits[0].title.lower()
