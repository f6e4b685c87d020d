"""Spelling suggestions come from the index vocabulary, only for words the index does not hold."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from paperwire.search.dense import HashingEmbedder
from paperwire.search.service import SearchService
from paperwire.search.suggest import spelling_suggestions

from .conftest import paper, save_papers


def test_a_misspelt_word_is_replaced_by_a_frequent_index_word(search_engine: Engine, tmp_path: Path):
    save_papers(
        search_engine, [paper(f"2503.0000{n}", f"Transformer study {n}", "Transformers scale.") for n in range(4)]
    )
    service = SearchService(search_engine, index_dir=tmp_path / "index", embedder=HashingEmbedder())
    service.rebuild_index()
    index = service.index()
    assert spelling_suggestions(index, "trasnformer scaling")[0] == "transformer scaling"
    assert spelling_suggestions(index, "transformer") == []  # known word: nothing to correct
    assert spelling_suggestions(index, "asdkjhqwe zzxq") == []  # nothing close in the vocabulary
