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


def test_the_letter_count_prefilter_keeps_every_word_difflib_would_accept(search_engine: Engine, tmp_path: Path):
    """_close_words drops words whose shared-letter bound is under the cutoff before difflib compares them;
    the suggestions must be exactly those of difflib over the whole vocabulary of similar length."""
    import difflib

    from paperwire.search import suggest

    titles = [
        "Diffusion models denoise images",
        "Diffusive transport in plasmas",
        "Confusion matrices of classifiers",
        "Transformers transform sequences",
        "Transfer learning transfers features",
        "Quantization of language models",
        "Quantisation quantifies weights",
    ]
    save_papers(search_engine, [paper(f"2503.{n:05d}", t, t) for n, t in enumerate(titles * 3)])
    service = SearchService(search_engine, index_dir=tmp_path / "index", embedder=HashingEmbedder())
    service.rebuild_index()
    index = service.index()
    frequency = index.word_frequency
    for word in ("difusion", "diffusoin", "trnasformer", "quantizaton", "transfr", "confusoin", "zzzzzz"):
        pool = [w for w in frequency if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, pool, n=10, cutoff=suggest.CUTOFF)
        expected = sorted(
            close, key=lambda w: (-round(difflib.SequenceMatcher(None, word, w).ratio(), 2), -frequency[w])
        )[: suggest.MAX_SUGGESTIONS]
        assert suggest._close_words(index, word) == expected, word
        if word == "difusion":
            assert expected[:2] == ["diffusion", "diffusive"] or "diffusion" in expected
